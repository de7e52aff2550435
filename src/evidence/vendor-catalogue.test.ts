import reference from '../../seeds/reference/vendors.json';
import { ECOSYSTEMS, referenceVendors, VendorCatalogue, vendorEntry, vendorEntrySchema, type VendorClue } from './vendor-catalogue';

const catalogue = new VendorCatalogue(referenceVendors());
const identify = (clue: VendorClue) => {
  const match = catalogue.identify(clue);
  return match && `${match.vendor.key} by ${match.by}`;
};

describe('the bundled vendor catalogue', () => {
  const vendors = referenceVendors();

  it('has the 9 seeded processors and at least 40 other vendors, each with a source and a way to recognise it', () => {
    const seeded = ['stripe', 'paypal', 'sendgrid', 'mailchimp', 'aws', 'google-cloud', 'google-analytics', 'zendesk', 'intercom'];
    expect(seeded.filter((key) => vendors.some((v) => v.key === key))).toEqual(seeded);
    expect(vendors.length - seeded.length).toBeGreaterThanOrEqual(40);
    for (const vendor of vendors) {
      expect([vendor.key, vendor.source]).toEqual([vendor.key, expect.stringMatching(/^https:\/\/\S+$/)]);
      expect([vendor.key, Object.values(vendor.packages).flat().length + vendor.hosts.length]).toEqual([vendor.key, expect.any(Number)]);
      expect(Object.keys(vendor.packages).every((eco) => (ECOSYSTEMS as readonly string[]).includes(eco))).toBe(true);
    }
    expect(new Set(vendors.map((v) => v.key)).size).toBe(vendors.length);
  });

  it('covers payments, email, analytics, support, error tracking, AI APIs and cloud', () => {
    const service = (key: string) => vendors.find((v) => v.key === key)?.service;
    expect(['adyen', 'sendgrid', 'mixpanel', 'zendesk', 'sentry', 'openai', 'azure'].map(service)).toEqual([
      'Payments', 'Transactional email', 'Product analytics', 'Customer support', 'Error tracking', 'AI models', 'Cloud hosting',
    ]);
  });

  it('names no package twice, so that a package identifies one vendor', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const vendor of vendors) {
      for (const [ecosystem, names] of Object.entries(vendor.packages)) {
        for (const name of names ?? []) {
          const id = `${ecosystem}:${name.toLowerCase()}`;
          if (seen.has(id)) clashes.push(`${id} (${seen.get(id)}, ${vendor.key})`);
          seen.set(id, vendor.key);
        }
      }
    }
    expect(clashes).toEqual([]);
  });

  it('lists the names it could not confirm in a registry list, so that a reviewer checks them', () => {
    const unverified = reference.vendors.flatMap((v) => ((v as { unverified?: string[] }).unverified ?? []).map((name) => `${v.key} ${name}`));
    expect(unverified.every((entry) => / (npm|pypi|nuget|go|maven|rubygems):\S+$/.test(entry))).toBe(true);
  });
});

describe('identifying the vendor of a piece of evidence', () => {
  it.each<[VendorClue, string | null]>([
    [{ ecosystem: 'npm', package: 'stripe' }, 'stripe by package'],
    [{ ecosystem: 'npm', package: '@stripe/stripe-js' }, 'stripe by package'],
    [{ ecosystem: 'npm', package: '@aws-sdk/client-s3' }, 'aws by package'],
    [{ ecosystem: 'npm', package: '@sentry/node' }, 'sentry by package'],
    [{ ecosystem: 'npm', package: 'left-pad' }, null],
    [{ ecosystem: 'npm', package: 'stripe-mock-server' }, null],
    [{ ecosystem: 'pypi', package: 'Sentry_SDK' }, 'sentry by package'],
    [{ ecosystem: 'pypi', package: 'google-cloud-storage' }, 'google-cloud by package'],
    [{ ecosystem: 'pypi', package: 'google-analytics-data' }, 'google-analytics by package'],
    [{ ecosystem: 'go', package: 'github.com/stripe/stripe-go/v81' }, 'stripe by package'],
    [{ ecosystem: 'go', package: 'github.com/stripe/stripe-go' }, 'stripe by package'],
    [{ ecosystem: 'go', package: 'github.com/stripe/stripe-golang' }, null],
    [{ ecosystem: 'go', package: 'github.com/aws/aws-sdk-go-v2/service/s3' }, 'aws by package'],
    [{ ecosystem: 'maven', package: 'com.twilio.sdk:twilio' }, 'twilio by package'],
    [{ ecosystem: 'maven', package: 'software.amazon.awssdk:s3' }, 'aws by package'],
    [{ ecosystem: 'rubygems', package: 'aws-sdk-s3' }, 'aws by package'],
    [{ ecosystem: 'nuget', package: 'stripe.NET' }, 'stripe by package'],
    [{ ecosystem: 'nuget', package: 'AWSSDK.S3' }, 'aws by package'],
    [{ package: 'twilio-ruby' }, 'twilio by package'],
    [{ ecosystem: 'cargo', package: 'stripe' }, null],
    [{ host: 'api.stripe.com' }, 'stripe by host'],
    [{ host: 'https://api.twilio.com:443/2010-04-01/Accounts' }, 'twilio by host'],
    [{ host: 'analyticsdata.googleapis.com' }, 'google-analytics by host'],
    [{ host: 'storage.googleapis.com' }, 'google-cloud by host'],
    [{ host: 'notstripe.com' }, null],
    [{ vendor: 'Amazon AWS APIs' }, 'aws by name'],
    [{ vendor: 'Sentry' }, 'sentry by name'],
    [{ vendor: 'ThirdParties.SDK.Stripe' }, 'stripe by name'],
    [{ vendor: 'ThirdParties.SDK.Google.Analytics' }, 'google-analytics by name'],
    [{ vendor: 'ThirdParties.API.api.twilio.com' }, 'twilio by name'],
    [{ vendor: 'Acme Tutoring AI' }, 'acme-tutoring-ai by name'],
    [{ vendor: '!!!' }, null],
    [{ ecosystem: 'npm', package: 'left-pad', vendor: 'Stripe' }, 'stripe by name'],
  ])('%j -> %s', (clue, expected) => {
    expect(identify(clue)).toBe(expected);
  });

  it('takes a later entry of the same key over the bundled one: a repository may map a vendor to another processor', () => {
    const own = vendorEntry(vendorEntrySchema.parse({ key: 'sendgrid', name: 'SendGrid', processor: 'twilio', packages: { npm: ['@sendgrid/*'] } }), 'REPOSITORY');
    const layered = new VendorCatalogue(referenceVendors(), [own]);
    expect(layered.identify({ ecosystem: 'npm', package: '@sendgrid/mail' })?.vendor).toMatchObject({ key: 'sendgrid', processor: 'twilio', origin: 'REPOSITORY' });
    // The replaced entry's other names are gone with it.
    expect(layered.identify({ ecosystem: 'pypi', package: 'sendgrid' })).toBeNull();
  });
});
