import { AdequacyScope } from '../country/country.entity';
import { Regime } from '../country/regime';
import { TiaOutcome } from './tia-outcome';
import { TransferMechanism } from './transfer-mechanism';
import {
  CONTROLLER_TO_PROCESSOR,
  CountryStanding,
  headquartersFlawMessage,
  isDpfCertification,
  judgeTransfer,
  names2021Sccs,
  namesProcessorBcr,
  PartyRole,
  repealedSccDecision,
  safeguardUnder,
  sccModuleOf,
  transferLocations,
  validateLocation,
  type TransferFacts,
} from './transfer-rules';

const { FULL, PARTIAL, NONE } = AdequacyScope;
const M = TransferMechanism;

const country = (code: string, name: string, adequacy: AdequacyScope, inEEA = false, adequacyNote?: string, regimes: CountryStanding['regimes'] = {}) =>
  ({ code, name, inEEA, adequacy, adequacyNote, regimes }) satisfies CountryStanding;

// From the UK and Switzerland the EEA is adequate; the US only for organisations in the UK Extension or the
// Swiss-U.S. DPF (seeds/reference/adequacy-regimes.json).
const EEA_ADEQUATE = { UK_GDPR: { adequacy: FULL }, SWISS_FADP: { adequacy: FULL } };
const DE = country('DE', 'Germany', NONE, true, undefined, EEA_ADEQUATE);
const RE = country('RE', 'Réunion', NONE, true, undefined, EEA_ADEQUATE);
const JP = country('JP', 'Japan', FULL);
const GB = country('GB', 'United Kingdom', FULL, false, undefined, { SWISS_FADP: { adequacy: FULL } });
const CH = country('CH', 'Switzerland', FULL, false, undefined, { UK_GDPR: { adequacy: FULL } });
const US = country('US', 'United States', PARTIAL, false, 'DPF-certified organisations', {
  UK_GDPR: { adequacy: PARTIAL, note: 'DPF organisations in the UK Extension', since: '2023-10-12' },
  SWISS_FADP: { adequacy: PARTIAL, note: 'Swiss-U.S. DPF certified organisations', since: '2024-09-15' },
});
const CA = country('CA', 'Canada', PARTIAL, false, 'commercial organisations');
const IN = country('IN', 'India', NONE);

const SCC2 = 'SCC 2021/914 module 2';
const DPF = { certification: 'https://www.dataprivacyframework.gov/participant/5780', reviewDue: '2027-06-30' };
const judge = (facts: Partial<TransferFacts> & Pick<TransferFacts, 'destination'>) => judgeTransfer({ ...CONTROLLER_TO_PROCESSOR, ...facts });
const safe = (mechanism: TransferMechanism | null, thirdCountry = true) => ({ thirdCountry, mechanism, safeguarded: true, flaw: null, cautions: [] });
const { EU_GDPR, UK_GDPR, SWISS_FADP } = Regime;

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
        rule: 'transfer-without-safeguard',
        field: 'dpf.certification',
        value: null,
        message:
          'the DPF certification is required: ADEQUACY_DECISION for US (United States) covers only organisations certified ' +
          'under the Data Privacy Framework (the adequacy decision (EU) 2023/1795), so record its DPF List entry, ' +
          'https://www.dataprivacyframework.gov/participant/<id>, or that id',
      });
    });

    it("refuses a vendor's own page, whatever https URL it is: only the DPF List entry shows the certification", () => {
      for (const certification of ['https://example.com/anything', 'https://stripe.com/legal/dta', 'https://www.dataprivacyframework.gov/list']) {
        expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { ...DPF, certification } }).flaw).toMatchObject({
          field: 'dpf.certification',
          message: expect.stringMatching(new RegExp(`^"${certification.replace(/[./]/g, '\\$&')}" is not a DPF certification: `)),
        });
      }
    });

    it('refuses "Not DPF certified" as a certification', () => {
      const judgment = judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { certification: 'Not DPF certified', reviewDue: '2027-01-01' } });
      expect(judgment.safeguarded).toBe(false);
      expect(judgment.flaw!.field).toBe('dpf.certification');
      expect(judgment.flaw!.message).toMatch(/^"Not DPF certified" is not a DPF certification: /);
    });

    it('requires a review date that is a real calendar date', () => {
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { certification: DPF.certification } }).flaw).toEqual({
        rule: 'transfer-without-safeguard',
        field: 'dpf.reviewDue',
        value: null,
        message:
          'a review date is required: a DPF certification lapses unless renewed every year, so record when it must next be checked on the DPF List',
      });
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { ...DPF, reviewDue: 'soon' } }).flaw!.message).toMatch(/^"soon" is not a date/);
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { ...DPF, reviewDue: '2027-02-30' } }).flaw!.message).toMatch(
        /^"2027-02-30" is not a real calendar date: /,
      );
    });

    it('unsafeguards a lapsed certification (the day after its review date) as dpf-lapsed', () => {
      const judgment = judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: DPF, today: '2027-07-01' });
      expect(judgment.safeguarded).toBe(false);
      expect(judgment.flaw).toEqual({
        rule: 'dpf-lapsed',
        field: 'dpf.reviewDue',
        value: '2027-06-30',
        message:
          'the DPF certification https://www.dataprivacyframework.gov/participant/5780 was due for review on 2027-06-30 and has ' +
          'lapsed: the adequacy decision (EU) 2023/1795 covers the recipient only while its certification is active, so the ' +
          'transfer has no safeguard until the DPF List shows it renewed',
      });
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: { ...DPF, reviewDue: '2025-06-30' }, today: '2027-07-01' }).flaw!.rule).toBe('dpf-lapsed');
    });

    it('cautions within the grace days before the review date (DPF_GRACE_DAYS), and not before', () => {
      const due = judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: DPF, today: '2027-06-30' });
      expect(due.safeguarded).toBe(true);
      expect(due.cautions).toEqual([
        {
          rule: 'dpf-review-overdue',
          message:
            'the DPF certification https://www.dataprivacyframework.gov/participant/5780 is due for review on 2027-06-30: ' +
            'the adequacy decision (EU) 2023/1795 covers the recipient only while its certification is active, and it lapses the day after',
          fix: 'check the recipient on the DPF List (https://www.dataprivacyframework.gov/list) and record the next review date, or rely on another safeguard',
        },
      ]);
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: DPF, today: '2027-05-31' }).cautions.map((c) => c.rule)).toEqual(['dpf-review-overdue']);
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: DPF, today: '2027-05-30' }).cautions).toEqual([]);
      expect(judge({ destination: US, mechanism: M.ADEQUACY_DECISION, dpf: DPF, today: '2027-06-20', dpfGraceDays: 5 }).cautions).toEqual([]);
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
        rule: 'transfer-without-safeguard',
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
      expect(scc('2021 SCCs, Module One', PartyRole.CONTROLLER, PartyRole.CONTROLLER).safeguarded).toBe(true);
      expect(scc('Decision (EU) 2021/914 module 4', PartyRole.PROCESSOR, PartyRole.CONTROLLER).safeguarded).toBe(true);
    });

    it('refuses a module without the 2021 clauses named', () => {
      expect(scc('SCC module 2').flaw).toEqual({
        rule: 'transfer-without-safeguard',
        field: 'reference',
        value: 'SCC module 2',
        message:
          '"SCC module 2" does not name the clauses: the reference must name Decision (EU) 2021/914 (or "2021 SCCs") and the ' +
          'module, such as "SCC 2021/914 module 2"',
      });
    });

    it('refuses the repealed 2010 clauses, naming the repeal (2021/914 Art. 4)', () => {
      expect(scc('2010/87/EU module 2').flaw).toEqual({
        rule: 'transfer-without-safeguard',
        field: 'reference',
        value: '2010/87/EU module 2',
        message:
          '"2010/87/EU module 2" names the clauses of Decision 2010/87, repealed by Decision (EU) 2021/914 Art. 4 with effect ' +
          'from 27 September 2021 (contracts concluded on them had until 27 December 2022): conclude the 2021 SCCs and name ' +
          'them, such as "SCC 2021/914 module 2"',
      });
      expect(scc('SCC 2001/497/EC set I').safeguarded).toBe(false);
    });

    it('refuses module 3 for a processor the controller engages directly', () => {
      expect(scc('SCC 2021/914 module 3').flaw).toEqual({
        rule: 'transfer-without-safeguard',
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
        rule: 'transfer-without-safeguard',
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
    it.each([M.DEROGATION_EXPLICIT_CONSENT, M.DEROGATION_CONTRACT])('leave %s unsafeguarded when it carries regular processing', (mechanism) => {
      const judgment = judge({ destination: IN, mechanism });
      expect(judgment.safeguarded).toBe(false);
      expect(judgment.flaw).toEqual({
        rule: 'systematic-derogation',
        field: 'mechanism',
        value: mechanism,
        message:
          `${mechanism} is an Art. 49 derogation, meant for occasional transfers, yet it carries the regular processing ` +
          'of an engaged processor to IN (India) (EDPB Guidelines 2/2018): it is no ground for regular transfers; rely on an ' +
          'Art. 46 safeguard (such as STANDARD_CONTRACTUAL_CLAUSES)',
      });
    });

    it('hold for an occasional transfer', () => {
      expect(judge({ destination: IN, mechanism: M.DEROGATION_CONTRACT, regular: false })).toEqual(safe(M.DEROGATION_CONTRACT));
    });
  });
});

describe('validateLocation', () => {
  it('reports a flaw on the exact sub-field, and returns what is stored', () => {
    expect(validateLocation({ country: US, mechanism: M.ADEQUACY_DECISION, reference: '  DPF ', dpf: { certification: 'x y', reviewDue: '2027-02-30' } }, 'input.locations[0]')).toEqual({
      mechanism: M.ADEQUACY_DECISION,
      reference: 'DPF',
      dpf: { certification: 'x y', reviewDue: '2027-02-30' },
      safeguards: [],
      problems: [
        {
          field: 'input.locations[0].dpf.certification',
          value: 'x y',
          message:
            'input.locations[0].dpf.certification: "x y" is not a DPF certification: give its DPF List entry, ' +
            'https://www.dataprivacyframework.gov/participant/<id>, or that id',
        },
        {
          field: 'input.locations[0].dpf.reviewDue',
          value: '2027-02-30',
          message: 'input.locations[0].dpf.reviewDue: "2027-02-30" is not a real calendar date',
        },
      ],
    });
  });

  it('resolves a full-adequacy location without a mechanism to ADEQUACY_DECISION', () => {
    expect(validateLocation({ country: JP }, 'l')).toEqual({ mechanism: M.ADEQUACY_DECISION, reference: null, dpf: null, safeguards: [], problems: [] });
  });

  it('does not judge dates: a lapsed certification is a finding, and the map stays editable', () => {
    expect(validateLocation({ country: US, mechanism: M.ADEQUACY_DECISION, dpf: { ...DPF, reviewDue: '2020-01-01' } }, 'l').problems).toEqual([]);
  });

  it('judges each safeguard under its regime, naming it by its index', () => {
    const checked = validateLocation(
      {
        country: US,
        mechanism: M.STANDARD_CONTRACTUAL_CLAUSES,
        reference: SCC2,
        safeguards: [
          { regime: SWISS_FADP, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2 },
          { regime: UK_GDPR, mechanism: M.UK_ADDENDUM, reference: ` UK Addendum to ${SCC2} ` },
        ],
      },
      'l',
    );
    expect(checked.safeguards).toEqual([
      { regime: UK_GDPR, mechanism: M.UK_ADDENDUM, reference: `UK Addendum to ${SCC2}`, dpf: null },
      { regime: SWISS_FADP, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2, dpf: null },
    ]);
    expect(checked.problems.map((p) => p.field)).toEqual(['l.safeguards[0].reference']);
    expect(checked.problems[0].message).toMatch(/^l\.safeguards\[0\]\.reference: "SCC 2021\/914 module 2" does not say the clauses carry the Swiss adaptations/);
  });

  it('takes an EU_GDPR entry among the safeguards for the location\'s own fields, but not both', () => {
    expect(validateLocation({ country: US, safeguards: [{ regime: EU_GDPR, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2 }] }, 'l')).toMatchObject({
      mechanism: M.STANDARD_CONTRACTUAL_CLAUSES,
      reference: SCC2,
      safeguards: [],
      problems: [],
    });
    expect(
      validateLocation({ country: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2, safeguards: [{ regime: EU_GDPR }, { regime: UK_GDPR, mechanism: M.UK_IDTA, reference: 'IDTA' }, { regime: UK_GDPR }] }, 'l')
        .problems.map((p) => p.message),
    ).toEqual([
      "l.safeguards[0].regime: the EU_GDPR safeguard is already given as the location's mechanism, reference and dpf: give it once",
      'l.safeguards[2].regime: UK_GDPR is given twice: give each regime one safeguard',
    ]);
  });
});

describe('judgeTransfer under the UK GDPR (UK GDPR Art. 45-49, DPA 2018 s.17A and s.119A)', () => {
  const uk = (facts: Partial<TransferFacts> & Pick<TransferFacts, 'destination'>) => judge({ regime: UK_GDPR, ...facts });

  it('finds no transfer inside the UK, and the EEA adequate rather than inside', () => {
    expect(uk({ destination: GB })).toEqual(safe(null, false));
    expect(uk({ destination: DE })).toEqual(safe(M.ADEQUACY_DECISION));
    expect(uk({ destination: RE })).toEqual(safe(M.ADEQUACY_DECISION));
  });

  it('refuses the EU SCCs alone: the IDTA or the Addendum is the UK tool', () => {
    expect(uk({ destination: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2 }).flaw).toEqual({
      rule: 'transfer-without-safeguard',
      field: 'mechanism',
      value: M.STANDARD_CONTRACTUAL_CLAUSES,
      message:
        'the EU SCCs alone are not a UK transfer tool (UK GDPR Art. 46, DPA 2018 s.119A): use UK_IDTA (the International Data ' +
        'Transfer Agreement) or UK_ADDENDUM (the Addendum to the EU SCCs), issued by the ICO and in force since 21 March 2022',
    });
    expect(uk({ destination: US, mechanism: M.UK_ADDENDUM, reference: `UK Addendum to ${SCC2}` })).toEqual(safe(M.UK_ADDENDUM));
    expect(uk({ destination: US, mechanism: M.UK_IDTA, reference: 'IDTA of 2024-05-01' })).toEqual(safe(M.UK_IDTA));
    expect(uk({ destination: US, mechanism: M.UK_IDTA }).flaw!.message).toMatch(/^a reference is required: UK_IDTA must name/);
    expect(uk({ destination: US, mechanism: M.UK_ADDENDUM, reference: 'UK Addendum' }).flaw!.message).toMatch(/^"UK Addendum" names no SCC module/);
  });

  it('refuses the UK tools under the other regimes', () => {
    expect(judge({ destination: IN, mechanism: M.UK_IDTA, reference: 'IDTA' }).flaw).toMatchObject({
      field: 'mechanism',
      message: expect.stringMatching(/^UK_IDTA is a UK GDPR instrument \(DPA 2018 s\.119A\) and makes no transfer lawful under EU_GDPR; /),
    });
    expect(judge({ regime: SWISS_FADP, destination: IN, mechanism: M.UK_ADDENDUM, reference: `UK Addendum to ${SCC2}` }).safeguarded).toBe(false);
  });

  it('takes US adequacy only for DPF organisations in the UK Extension', () => {
    expect(uk({ destination: US, mechanism: M.ADEQUACY_DECISION, reference: 'EU-US DPF', dpf: DPF }).flaw).toEqual({
      rule: 'transfer-without-safeguard',
      field: 'reference',
      value: 'EU-US DPF',
      message:
        '"EU-US DPF" does not name the framework: under UK_GDPR, the Data Protection (Adequacy) (United States of America) ' +
        'Regulations 2023 covers only DPF organisations in the UK Extension; once the DPF List shows the recipient in it, ' +
        'name it in the reference, such as "UK Extension to the EU-US DPF"',
    });
    expect(uk({ destination: US, mechanism: M.ADEQUACY_DECISION, reference: 'UK Extension to the EU-US DPF', dpf: DPF })).toEqual(safe(M.ADEQUACY_DECISION));
    expect(uk({ destination: US, mechanism: M.ADEQUACY_DECISION, reference: 'UK Extension to the EU-US DPF', dpf: DPF, today: '2023-10-11' }).flaw!.message).toMatch(
      /^ADEQUACY_DECISION is not available for US \(United States\), which has no UK adequacy regulations/,
    );
  });

  it('names the UK rules in its messages', () => {
    expect(uk({ destination: IN }).flaw!.message).toBe(
      'a mechanism is required for IN (India), which has no UK adequacy regulations (UK GDPR Art. 45, DPA 2018 s.17A); use a ' +
        'UK GDPR Art. 46 safeguard (UK_IDTA, UK_ADDENDUM, BINDING_CORPORATE_RULES, CODE_OF_CONDUCT, CERTIFICATION) or a UK GDPR ' +
        'Art. 49 derogation (DEROGATION_EXPLICIT_CONSENT, DEROGATION_CONTRACT)',
    );
  });
});

describe('judgeTransfer under the Swiss FADP (FADP Art. 16-17, DPO Annex 1)', () => {
  const ch = (facts: Partial<TransferFacts> & Pick<TransferFacts, 'destination'>) => judge({ regime: SWISS_FADP, ...facts });

  it("finds no transfer inside Switzerland, and uses the Federal Council's list elsewhere", () => {
    expect(ch({ destination: CH })).toEqual(safe(null, false));
    expect(ch({ destination: DE })).toEqual(safe(M.ADEQUACY_DECISION));
    expect(ch({ destination: GB })).toEqual(safe(M.ADEQUACY_DECISION));
    // Japan is adequate for the EU, not on Annex 1.
    expect(ch({ destination: JP }).flaw!.message).toMatch(/^a mechanism is required for JP \(Japan\), which is not on the Federal Council's list \(FADP Art\. 16\(1\), DPO Annex 1\)/);
  });

  it('takes the EU SCCs only with the Swiss adaptations', () => {
    expect(ch({ destination: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2 }).flaw!.message).toBe(
      '"SCC 2021/914 module 2" does not say the clauses carry the Swiss adaptations: under the FADP (Art. 16(2)(d)) the FDPIC ' +
        'recognised the EU SCCs on 27 August 2021 only with them (the FDPIC as authority, Switzerland as a "Member State", the ' +
        'FADP for the GDPR); name them, such as "SCC 2021/914 module 2 with the Swiss adaptations (FADP)"',
    );
    expect(ch({ destination: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: `${SCC2} with the Swiss adaptations (FADP)` })).toEqual(
      safe(M.STANDARD_CONTRACTUAL_CLAUSES),
    );
  });

  it('takes US adequacy only for Swiss-U.S. DPF organisations, from 15 September 2024', () => {
    expect(ch({ destination: US, mechanism: M.ADEQUACY_DECISION, reference: 'UK Extension', dpf: DPF }).flaw!.field).toBe('reference');
    expect(ch({ destination: US, mechanism: M.ADEQUACY_DECISION, reference: 'Swiss-U.S. DPF', dpf: DPF, today: '2026-12-02' })).toEqual(safe(M.ADEQUACY_DECISION));
    expect(ch({ destination: US, mechanism: M.ADEQUACY_DECISION, reference: 'Swiss-U.S. DPF', dpf: DPF, today: '2024-09-14' }).safeguarded).toBe(false);
  });

  it('gives the same location different verdicts under each regime where its safeguards differ', () => {
    const location = { country: 'US', mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2, safeguards: [{ regime: UK_GDPR, mechanism: M.UK_IDTA, reference: 'IDTA' }] };
    const verdict = (regime: Regime) => judge({ regime, destination: US, ...safeguardUnder(location, regime) }).safeguarded;
    expect([EU_GDPR, UK_GDPR, SWISS_FADP].map(verdict)).toEqual([true, true, false]);
  });
});

describe('transfer impact assessments (C-311/18; SCC Clause 14; EDPB Recommendations 01/2020)', () => {
  const scc = { destination: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2, today: '2027-03-01' };
  const tia = (outcome: TiaOutcome, assessedAt = '2026-06-01') => ({ reference: 'TIA-7', assessedAt, outcome });

  it('cautions when a transfer on an Art. 46 safeguard has none, and not when none is judged', () => {
    expect(judge({ ...scc, tia: null }).cautions).toEqual([
      {
        rule: 'tia-missing',
        message:
          'STANDARD_CONTRACTUAL_CLAUSES to US (United States) has no transfer impact assessment: the exporter must ' +
          'assess whether the law and practice of US (United States) impinge on the safeguard, and adopt supplementary measures ' +
          'where they do (C-311/18 Schrems II; SCC Clause 14; EDPB Recommendations 01/2020)',
        fix: 'assess the transfer and record it (recordTransferImpactAssessment, regime EU_GDPR)',
      },
    ]);
    expect(judge(scc).cautions).toEqual([]);
    expect(judge({ ...scc, destination: JP, tia: null }).cautions).toEqual([]);
  });

  it('unsafeguards a transfer its assessment suspended', () => {
    expect(judge({ ...scc, tia: tia(TiaOutcome.TRANSFER_SUSPENDED) }).flaw).toEqual({
      rule: 'transfer-without-safeguard',
      field: 'transferImpactAssessment',
      value: 'TIA-7',
      message:
        'the transfer impact assessment TIA-7 of 2026-06-01 concluded TRANSFER_SUSPENDED: STANDARD_CONTRACTUAL_CLAUSES cannot ' +
        'ensure essentially equivalent protection in US (United States), so the transfer must stop (C-311/18 Schrems II; SCC Clause 16(b))',
    });
  });

  it('cautions when the assessment is older than TIA_REVIEW_MONTHS or than the last change of the safeguard', () => {
    expect(judge({ ...scc, tia: tia(TiaOutcome.WITH_SUPPLEMENTARY_MEASURES) }).cautions).toEqual([]);
    expect(judge({ ...scc, tia: tia(TiaOutcome.ADEQUATE_PROTECTION, '2026-02-28') }).cautions).toEqual([
      {
        rule: 'tia-stale',
        message: 'the transfer impact assessment TIA-7 of 2026-02-28 (EU_GDPR, US (United States)) is out of date: it is more than 12 months old (review was due on 2027-02-28)',
        fix: 'review the assessment against the current safeguard and the law of US (United States), and record it again (recordTransferImpactAssessment)',
      },
    ]);
    expect(judge({ ...scc, tia: tia(TiaOutcome.ADEQUATE_PROTECTION, '2026-02-28'), tiaReviewMonths: 13 }).cautions).toEqual([]);
    expect(judge({ ...scc, tia: tia(TiaOutcome.ADEQUATE_PROTECTION), lastChangedOn: '2026-07-01' }).cautions[0].message).toMatch(
      /is out of date: it predates the last change of the safeguard on 2026-07-01$/,
    );
  });
});

describe('an importer subject to the GDPR under Art. 3(2)', () => {
  it('cautions when it rests on the 2021 SCCs (Decision (EU) 2021/914, recital 7)', () => {
    const judgment = judge({ destination: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2, importerSubjectToGdpr: true });
    expect(judgment.safeguarded).toBe(true);
    expect(judgment.cautions.map((c) => c.rule)).toEqual(['scc-importer-subject-to-gdpr']);
    expect(judge({ destination: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC2, importerSubjectToGdpr: false }).cautions).toEqual([]);
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
    ['https://dataprivacyframework.gov/participant/5780/', true],
    ['https://stripe.com/legal/dta', false],
    ['https://example.com/anything', false],
    ['https://www.dataprivacyframework.gov/list', false],
    ['5780', true],
    ['a2zt0000000TOWQAA4', false],
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
    ['SCC 2021/914 module 2', true],
    ['2021 SCCs module 2', true],
    ['2021 Standard Contractual Clauses', true],
    ['SCC module 2', false],
    ['2010/87/EU module 2', false],
  ])('tells whether %p names the 2021 SCCs: %p', (reference, expected) => {
    expect(names2021Sccs(reference)).toBe(expected);
  });

  it.each([
    ['2010/87/EU', '2010/87'],
    ['Decision 2001/497/EC', '2001/497'],
    ['SCC 2021/914 module 2', null],
  ])('finds the repealed SCC decision %p names: %p', (reference, decision) => {
    expect(repealedSccDecision(reference)).toBe(decision);
  });

  it.each([
    ['Twilio BCR-P', true],
    ['Twilio Binding Corporate Rules', false],
    ['BCR-P not approved', false],
  ])('tells whether %p names a BCR-P: %p', (reference, expected) => {
    expect(namesProcessorBcr(reference)).toBe(expected);
  });
});
