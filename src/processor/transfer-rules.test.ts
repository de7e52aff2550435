import { AdequacyScope } from '../country/country.entity';
import { TransferMechanism } from './transfer-mechanism';
import {
  CONTROLLER_TO_PROCESSOR,
  CountryStanding,
  headquartersFlawMessage,
  isDpfCertification,
  judgeTransfer,
  namesProcessorBcr,
  PartyRole,
  sccModuleOf,
  transferLocations,
  validateLocation,
  type TransferFacts,
} from './transfer-rules';

const { FULL, PARTIAL, NONE } = AdequacyScope;
const M = TransferMechanism;

const country = (code: string, name: string, adequacy: AdequacyScope, inEEA = false, adequacyNote?: string) =>
  ({ code, name, inEEA, adequacy, adequacyNote }) satisfies CountryStanding;

const DE = country('DE', 'Germany', NONE, true);
const RE = country('RE', 'Réunion', NONE, true);
const JP = country('JP', 'Japan', FULL);
const GB = country('GB', 'United Kingdom', FULL);
const US = country('US', 'United States', PARTIAL, false, 'DPF-certified organisations');
const CA = country('CA', 'Canada', PARTIAL, false, 'commercial organisations');
const IN = country('IN', 'India', NONE);

const SCC2 = 'SCC 2021/914 module 2';
const DPF = { certification: 'https://www.dataprivacyframework.gov/participant/5780', reviewDue: '2027-06-30' };
const judge = (facts: Partial<TransferFacts> & Pick<TransferFacts, 'destination'>) => judgeTransfer({ ...CONTROLLER_TO_PROCESSOR, ...facts });
const safe = (mechanism: TransferMechanism | null, thirdCountry = true) => ({ thirdCountry, mechanism, safeguarded: true, flaw: null, cautions: [] });

describe('judgeTransfer', () => {
  describe('inside the EEA, its territories included', () => {
    it.each([DE, RE])('finds no transfer to $code, whatever mechanism is recorded', (destination) => {
      expect(judge({ destination })).toEqual(safe(null, false));
      expect(judge({ destination, mechanism: M.DEROGATION_CONTRACT })).toEqual(safe(null, false));
    });
  });

  describe('full adequacy (Art. 45)', () => {
    it.each([JP, GB])('rests a transfer to $code on the adequacy decision by default', (destination) => {
      expect(judge({ destination })).toEqual(safe(M.ADEQUACY_DECISION));
    });

    it('keeps SCCs chosen as a fallback, without checking their module', () => {
      expect(judge({ destination: JP, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES })).toEqual(safe(M.STANDARD_CONTRACTUAL_CLAUSES));
    });
  });

  describe('the US: partial adequacy, DPF certification as data', () => {
    it('accepts ADEQUACY_DECISION with a DPF certification URL and a review date', () => {
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: DPF })).toEqual(safe(M.ADEQUACY_DECISION));
    });

    it('accepts a DPF organisation id', () => {
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { certification: '5780', reviewDue: '2027-06-30' } }).safeguarded).toBe(true);
    });

    it('refuses a reference that only names the framework: free text is no certification', () => {
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, reference: 'EU-US Data Privacy Framework' }).flaw).toEqual({
        field: 'dpf.certification',
        value: null,
        message:
          'the DPF certification is required: ADEQUACY_DECISION for US (United States) covers only organisations certified ' +
          'under the EU-US Data Privacy Framework (Decision (EU) 2023/1795), so record where its certification can be ' +
          'checked: its DPF List entry (https URL) or its DPF organisation id',
      });
    });

    it('refuses "Not DPF certified" as a certification', () => {
      const judgment = judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { certification: 'Not DPF certified', reviewDue: '2027-01-01' } });
      expect(judgment.safeguarded).toBe(false);
      expect(judgment.flaw!.field).toBe('dpf.certification');
      expect(judgment.flaw!.message).toMatch(/^"Not DPF certified" is not a DPF certification: /);
    });

    it('requires a review date in YYYY-MM-DD', () => {
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { certification: DPF.certification } }).flaw).toEqual({
        field: 'dpf.reviewDue',
        value: null,
        message:
          'a review date is required: a DPF certification lapses unless renewed every year, so record when it must next be checked on the DPF List',
      });
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { ...DPF, reviewDue: 'soon' } }).flaw!.message).toMatch(/^"soon" is not a date/);
    });

    it('cautions, without unsafeguarding, when the review date has passed', () => {
      const judgment = judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: DPF, today: '2027-07-01' });
      expect(judgment.safeguarded).toBe(true);
      expect(judgment.cautions).toEqual([
        {
          rule: 'dpf-review-overdue',
          message:
            'the DPF certification https://www.dataprivacyframework.gov/participant/5780 was due for review on 2027-06-30: ' +
            'the adequacy decision (EU) 2023/1795 covers the recipient only while its certification is active',
          fix: 'check the recipient on the DPF List (https://www.dataprivacyframework.gov/list) and record the next review date, or rely on STANDARD_CONTRACTUAL_CLAUSES',
        },
      ]);
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: DPF, today: '2027-06-30' }).cautions).toEqual([]);
    });

    it('needs a mechanism', () => {
      expect(judge({ destination: US }).flaw).toMatchObject({ field: 'mechanism', value: null });
    });

    it('judges SCCs by their module', () => {
      expect(judge({ destination: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2 })).toEqual(safe(M.STANDARD_CONTRACTUAL_CLAUSES));
    });
  });

  describe('Canada: partial adequacy with a reference', () => {
    it('accepts ADEQUACY_DECISION with a reference, refuses it without', () => {
      expect(judge({ destination: CA, mechanism: M.ADEQUACY_DECISION, reference: 'PIPEDA' }).safeguarded).toBe(true);
      expect(judge({ destination: CA, mechanism: M.ADEQUACY_DECISION }).flaw).toEqual({
        field: 'reference',
        value: null,
        message:
          'a reference is required: ADEQUACY_DECISION for CA (Canada) covers only some recipients (commercial organisations), ' +
          'so the reference must name the decision and why the recipient falls under it',
      });
    });
  });

  describe('no adequacy (Art. 44, 46, 49)', () => {
    it('needs a mechanism, and refuses ADEQUACY_DECISION', () => {
      expect(judge({ destination: IN }).flaw!.message).toBe(
        'a mechanism is required for IN (India), which has no adequacy decision; use an Art. 46 safeguard ' +
          '(STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, CODE_OF_CONDUCT, CERTIFICATION) or an Art. 49 derogation ' +
          '(DEROGATION_EXPLICIT_CONSENT, DEROGATION_CONTRACT)',
      );
      expect(judge({ destination: IN, mechanism: M.ADEQUACY_DECISION }).flaw).toMatchObject({ field: 'mechanism', value: M.ADEQUACY_DECISION });
    });
  });

  describe('SCC modules follow the parties (Decision (EU) 2021/914)', () => {
    const scc = (reference: string | null, exporter = PartyRole.CONTROLLER, importer = PartyRole.PROCESSOR) =>
      judge({ destination: IN, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference, exporter, importer });

    it('accepts module 2 from the controller to a processor, and module 3 from a processor to a sub-processor', () => {
      expect(scc(SCC2).safeguarded).toBe(true);
      expect(scc('SCC 2021/914 module 3', PartyRole.PROCESSOR, PartyRole.PROCESSOR).safeguarded).toBe(true);
      expect(scc('SCC Module One', PartyRole.CONTROLLER, PartyRole.CONTROLLER).safeguarded).toBe(true);
      expect(scc('SCC module 4', PartyRole.PROCESSOR, PartyRole.CONTROLLER).safeguarded).toBe(true);
    });

    it('refuses module 3 for a processor the controller engages directly', () => {
      expect(scc('SCC 2021/914 module 3').flaw).toEqual({
        field: 'reference',
        value: 'SCC 2021/914 module 3',
        message:
          '"SCC 2021/914 module 3" names module 3 (processor to processor), but the exporter is a controller and the importer ' +
          'a processor, so the clauses must be Decision (EU) 2021/914 module 2 (controller to processor); name it, such as ' +
          '"SCC 2021/914 module 2"',
      });
    });

    it('refuses module 2 between two processors', () => {
      expect(scc(SCC2, PartyRole.PROCESSOR, PartyRole.PROCESSOR).flaw!.message).toMatch(/^"SCC 2021\/914 module 2" names module 2 \(controller to processor\), but the exporter is a processor/);
    });

    it('needs a reference that names the module', () => {
      expect(scc(null).flaw!.message).toMatch(/^a reference is required: the exporter is a controller/);
      expect(scc('SCC 2021/914').flaw!.message).toMatch(/^"SCC 2021\/914" names no SCC module: /);
    });
  });

  describe('BCRs are a group instrument (Art. 47)', () => {
    const bcr = (reference: string | null, intraGroup = false) => judge({ destination: IN, mechanism: M.BINDING_CORPORATE_RULES, reference, intraGroup });

    it('accepts them within the corporate group', () => {
      expect(bcr(null, true).safeguarded).toBe(true);
    });

    it("accepts a vendor's own BCR-P named as such", () => {
      expect(bcr('Acme BCR-P, approved by the CNIL').safeguarded).toBe(true);
      expect(bcr('Binding Corporate Rules for Processors of Acme').safeguarded).toBe(true);
    });

    it("refuses a vendor's transfer on BCRs that are not its BCR-P", () => {
      expect(bcr('PayPal Binding Corporate Rules').flaw).toEqual({
        field: 'reference',
        value: 'PayPal Binding Corporate Rules',
        message:
          'BINDING_CORPORATE_RULES cover transfers within a corporate group (Art. 47): for a recipient outside the group, the ' +
          'reference must name the recipient\'s own approved Binding Corporate Rules for processors (BCR-P), and ' +
          '"PayPal Binding Corporate Rules" does not',
      });
      expect(bcr('no BCR-P yet').safeguarded).toBe(false);
    });
  });

  it.each([M.CODE_OF_CONDUCT, M.CERTIFICATION])('needs a reference for %s', (mechanism) => {
    expect(judge({ destination: IN, mechanism }).flaw!.field).toBe('reference');
    expect(judge({ destination: IN, mechanism, reference: 'EU Cloud CoC, level 2' }).safeguarded).toBe(true);
  });

  describe('Art. 49 derogations (EDPB Guidelines 2/2018)', () => {
    it.each([M.DEROGATION_EXPLICIT_CONSENT, M.DEROGATION_CONTRACT])('keep %s lawful but caution when it carries regular processing', (mechanism) => {
      const judgment = judge({ destination: IN, mechanism });
      expect(judgment.safeguarded).toBe(true);
      expect(judgment.cautions).toEqual([
        {
          rule: 'systematic-derogation',
          message:
            `${mechanism} is an Art. 49(1) derogation, meant for occasional transfers, yet it carries the regular processing ` +
            'of an engaged processor to IN (India) (EDPB Guidelines 2/2018)',
          fix: 'rely on an Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES) for regular transfers',
        },
      ]);
    });

    it('do not caution an occasional transfer', () => {
      expect(judge({ destination: IN, mechanism: M.DEROGATION_CONTRACT, regular: false }).cautions).toEqual([]);
    });
  });
});

describe('validateLocation', () => {
  it('reports a flaw on the exact sub-field, and returns what is stored', () => {
    expect(validateLocation({ country: US, mechanism: M.ADEQUACY_DECISION, reference: '  DPF ', dpf: { certification: 'x y' } }, 'input.locations[0]')).toEqual({
      mechanism: M.ADEQUACY_DECISION,
      reference: 'DPF',
      dpf: { certification: 'x y', reviewDue: null },
      problems: [
        {
          field: 'input.locations[0].dpf.certification',
          value: 'x y',
          message: expect.stringMatching(/^input\.locations\[0\]\.dpf\.certification: "x y" is not a DPF certification: /),
        },
      ],
    });
  });

  it('resolves a full-adequacy location without a mechanism to ADEQUACY_DECISION', () => {
    expect(validateLocation({ country: JP }, 'l')).toEqual({ mechanism: M.ADEQUACY_DECISION, reference: null, dpf: null, problems: [] });
  });
});

describe('a processor without locations is judged at its headquarters', () => {
  it('gives its headquarters, with no mechanism, as its one location', () => {
    expect(transferLocations('IN', [])).toEqual([{ country: 'IN', mechanism: null, reference: null, dpf: null, atHeadquarters: true }]);
    expect(transferLocations('IN', [{ country: 'DE' }])).toEqual([{ country: 'DE', atHeadquarters: false }]);
  });

  it('explains the headquarters judgment', () => {
    const { flaw } = judge({ destination: IN });
    expect(headquartersFlawMessage(IN, flaw!)).toBe(
      'no processing location is recorded, so the processor is judged at its headquarters IN (India): a mechanism is required ' +
        'for IN (India), which has no adequacy decision; use an Art. 46 safeguard (STANDARD_CONTRACTUAL_CLAUSES, ' +
        'BINDING_CORPORATE_RULES, CODE_OF_CONDUCT, CERTIFICATION) or an Art. 49 derogation (DEROGATION_EXPLICIT_CONSENT, ' +
        'DEROGATION_CONTRACT); add a location for IN with its transfer mechanism',
    );
  });
});

describe('reading references', () => {
  it.each([
    ['SCC 2021/914 module 2', 2],
    ['Module Three (processor to processor)', 3],
    ['SCC module4', 4],
    ['SCC 2021/914', null],
    [null, null],
  ])('finds the SCC module of %p: %p', (reference, module) => {
    expect(sccModuleOf(reference)).toBe(module);
  });

  it.each([
    ['https://www.dataprivacyframework.gov/participant/5780', true],
    ['https://stripe.com/legal/dta', true],
    ['5780', true],
    ['EU-US Data Privacy Framework', false],
    ['Not DPF certified', false],
    ['DPF', false],
    ['http://example.com/dpf', false],
    ['', false],
    [null, false],
  ])('tells whether %p is a DPF certification: %p', (value, expected) => {
    expect(isDpfCertification(value)).toBe(expected);
  });

  it.each([
    ['Twilio BCR-P', true],
    ['Twilio Binding Corporate Rules', false],
    ['BCR-P not approved', false],
  ])('tells whether %p names a BCR-P: %p', (reference, expected) => {
    expect(namesProcessorBcr(reference)).toBe(expected);
  });
});
