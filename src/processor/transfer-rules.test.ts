import { AdequacyScope } from '../country/country.entity';
import { TransferMechanism } from './transfer-mechanism';
import { CountryStanding, isDpfReference, transferStatus, validateLocation } from './transfer-rules';

const { FULL, PARTIAL, NONE } = AdequacyScope;
const M = TransferMechanism;

const country = (code: string, name: string, adequacy: AdequacyScope, inEEA = false, adequacyNote?: string) =>
  ({ code, name, inEEA, adequacy, adequacyNote }) satisfies CountryStanding;

const DE = country('DE', 'Germany', NONE, true);
const JP = country('JP', 'Japan', FULL);
const GB = country('GB', 'United Kingdom', FULL);
const CH = country('CH', 'Switzerland', FULL);
const US = country('US', 'United States', PARTIAL, false, 'DPF-certified organisations');
const CA = country('CA', 'Canada', PARTIAL, false, 'commercial organisations');
const IN = country('IN', 'India', NONE);
const CN = country('CN', 'China', NONE);

const FIELD = 'input.locations[0]';
const DPF = 'EU-US Data Privacy Framework';
const SCC_REF = 'SCC 2021/914 module 2';
const ART_46_AND_49 = [
  M.STANDARD_CONTRACTUAL_CLAUSES,
  M.BINDING_CORPORATE_RULES,
  M.CODE_OF_CONDUCT,
  M.CERTIFICATION,
  M.DEROGATION_EXPLICIT_CONSENT,
  M.DEROGATION_CONTRACT,
];

describe('validateLocation', () => {
  describe('inside the EEA', () => {
    it('accepts a German location without a mechanism and resolves no mechanism', () => {
      expect(validateLocation({ country: DE }, FIELD)).toEqual({ mechanism: null, reference: null, problems: [] });
    });

    it('accepts a German location given a mechanism, drops the mechanism and keeps the reference', () => {
      const input = { country: DE, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC_REF };
      const result = validateLocation(input, FIELD);
      expect(result).toEqual({ mechanism: null, reference: SCC_REF, problems: [] });
    });

    it('treats an EEA member as inside the EEA even when its adequacy field says none', () => {
      expect(validateLocation({ country: DE, mechanism: M.ADEQUACY_DECISION }, FIELD).problems).toEqual([]);
    });
  });

  describe('in a country with full adequacy', () => {
    it.each([JP, GB, CH])('resolves $code without a mechanism to ADEQUACY_DECISION', (full) => {
      expect(validateLocation({ country: full }, FIELD)).toEqual({
        mechanism: M.ADEQUACY_DECISION,
        reference: null,
        problems: [],
      });
    });

    it.each([JP, GB, CH])('keeps standard contractual clauses chosen for $code', (full) => {
      const input = { country: full, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC_REF };
      const result = validateLocation(input, FIELD);
      expect(result).toEqual({ mechanism: M.STANDARD_CONTRACTUAL_CLAUSES, reference: SCC_REF, problems: [] });
    });

    it('accepts an explicit adequacy decision without a reference', () => {
      expect(validateLocation({ country: JP, mechanism: M.ADEQUACY_DECISION }, FIELD).problems).toEqual([]);
    });
  });

  describe('in the US, with partial adequacy', () => {
    it('reports a missing mechanism on the mechanism field', () => {
      const result = validateLocation({ country: US }, FIELD);
      expect(result.mechanism).toBeNull();
      expect(result.problems).toEqual([
        {
          field: 'input.locations[0].mechanism',
          value: null,
          message:
            'input.locations[0].mechanism: a mechanism is required for US (United States), whose adequacy decision ' +
            'is only partial (DPF-certified organisations); use ADEQUACY_DECISION with a reference showing the ' +
            'recipient is covered, an Art. 46 safeguard (STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, ' +
            'CODE_OF_CONDUCT, CERTIFICATION) or an Art. 49 derogation',
        },
      ]);
    });

    it('accepts an adequacy decision that names the EU-US Data Privacy Framework', () => {
      expect(validateLocation({ country: US, mechanism: M.ADEQUACY_DECISION, reference: DPF }, FIELD)).toEqual({
        mechanism: M.ADEQUACY_DECISION,
        reference: DPF,
        problems: [],
      });
    });

    it('accepts an adequacy decision whose reference abbreviates the framework as DPF', () => {
      const input = { country: US, mechanism: M.ADEQUACY_DECISION, reference: 'DPF certified' };
      const result = validateLocation(input, FIELD);
      expect(result.problems).toEqual([]);
    });

    it('reports an adequacy decision without a reference on the reference field, naming the DPF', () => {
      const result = validateLocation({ country: US, mechanism: M.ADEQUACY_DECISION }, FIELD);
      expect(result.problems).toEqual([
        {
          field: 'input.locations[0].reference',
          value: null,
          message:
            'input.locations[0].reference: a reference is required: ADEQUACY_DECISION for US (United States) ' +
            'covers only organisations certified under the EU-US Data Privacy Framework (DPF), so the reference ' +
            "must name the recipient's EU-US Data Privacy Framework certification",
        },
      ]);
    });

    it('reports an adequacy decision with a blank reference as having no reference', () => {
      const result = validateLocation({ country: US, mechanism: M.ADEQUACY_DECISION, reference: '   ' }, FIELD);
      expect(result.reference).toBeNull();
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({ field: 'input.locations[0].reference', value: null });
    });

    it('reports an adequacy decision whose reference does not name the DPF, quoting the reference', () => {
      const result = validateLocation({ country: US, mechanism: M.ADEQUACY_DECISION, reference: SCC_REF }, FIELD);
      expect(result.problems).toEqual([
        {
          field: 'input.locations[0].reference',
          value: SCC_REF,
          message:
            'input.locations[0].reference: "SCC 2021/914 module 2" does not name the DPF: ADEQUACY_DECISION for ' +
            'US (United States) covers only organisations certified under the EU-US Data Privacy Framework (DPF), ' +
            "so the reference must name the recipient's EU-US Data Privacy Framework certification",
        },
      ]);
    });

    it('accepts standard contractual clauses without a reference', () => {
      expect(validateLocation({ country: US, mechanism: M.STANDARD_CONTRACTUAL_CLAUSES }, FIELD)).toEqual({
        mechanism: M.STANDARD_CONTRACTUAL_CLAUSES,
        reference: null,
        problems: [],
      });
    });
  });

  describe('in Canada, with partial adequacy', () => {
    it('accepts an adequacy decision with any reference', () => {
      const reference = 'Decision 2002/2/EC, PIPEDA';
      expect(validateLocation({ country: CA, mechanism: M.ADEQUACY_DECISION, reference }, FIELD)).toEqual({
        mechanism: M.ADEQUACY_DECISION,
        reference,
        problems: [],
      });
    });

    it('reports an adequacy decision without a reference on the reference field', () => {
      const result = validateLocation({ country: CA, mechanism: M.ADEQUACY_DECISION, reference: null }, FIELD);
      expect(result.problems).toEqual([
        {
          field: 'input.locations[0].reference',
          value: null,
          message:
            'input.locations[0].reference: a reference is required: ADEQUACY_DECISION for CA (Canada) covers only ' +
            'some recipients (commercial organisations), so the reference must name the decision and why the ' +
            'recipient falls under it',
        },
      ]);
    });

    it('reports a missing mechanism', () => {
      const result = validateLocation({ country: CA }, FIELD);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({ field: 'input.locations[0].mechanism', value: null });
    });
  });

  describe('in a country without adequacy', () => {
    it.each([IN, CN])('reports a missing mechanism for $code', (none) => {
      const result = validateLocation({ country: none }, FIELD);
      expect(result.mechanism).toBeNull();
      expect(result.problems).toEqual([
        {
          field: 'input.locations[0].mechanism',
          value: null,
          message:
            `input.locations[0].mechanism: a mechanism is required for ${none.code} (${none.name}), which has no ` +
            'adequacy decision; use an Art. 46 safeguard (STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, ' +
            'CODE_OF_CONDUCT, CERTIFICATION) or an Art. 49 derogation ' +
            '(DEROGATION_EXPLICIT_CONSENT, DEROGATION_CONTRACT)',
        },
      ]);
    });

    it('refuses an adequacy decision for India', () => {
      const result = validateLocation({ country: IN, mechanism: M.ADEQUACY_DECISION, reference: 'none' }, FIELD);
      expect(result.problems).toEqual([
        {
          field: 'input.locations[0].mechanism',
          value: 'ADEQUACY_DECISION',
          message:
            'input.locations[0].mechanism: ADEQUACY_DECISION is not available for IN (India), which has no adequacy ' +
            'decision; use an Art. 46 safeguard (STANDARD_CONTRACTUAL_CLAUSES, BINDING_CORPORATE_RULES, ' +
            'CODE_OF_CONDUCT, CERTIFICATION) or an Art. 49 derogation',
        },
      ]);
    });

    it('refuses an adequacy decision for China', () => {
      const result = validateLocation({ country: CN, mechanism: M.ADEQUACY_DECISION }, FIELD);
      expect(result.problems.map((p) => p.field)).toEqual(['input.locations[0].mechanism']);
      expect(result.problems[0].message).toContain('ADEQUACY_DECISION is not available for CN (China)');
    });

    it.each(ART_46_AND_49.flatMap((mechanism) => [IN, CN].map((none) => [mechanism, none.code, none] as const)))(
      'accepts %s for %s',
      (mechanism, _code, none) => {
        const expected = { mechanism, reference: null, problems: [] };
        expect(validateLocation({ country: none, mechanism }, FIELD)).toEqual(expected);
      },
    );
  });

  describe('field paths and messages', () => {
    it('prefixes the field with the given input path', () => {
      const [problem] = validateLocation({ country: IN }, 'input.locations[3]').problems;
      expect(problem.field).toBe('input.locations[3].mechanism');
      expect(problem.message.startsWith('input.locations[3].mechanism: ')).toBe(true);
    });

    it('falls back to the country code when the name is not known', () => {
      const [problem] = validateLocation({ country: { code: 'IN', inEEA: false, adequacy: NONE } }, FIELD).problems;
      expect(problem.message).toContain('a mechanism is required for IN, which has no adequacy decision');
    });

    it('trims the reference it returns', () => {
      expect(validateLocation({ country: US, mechanism: M.ADEQUACY_DECISION, reference: `  ${DPF} ` }, FIELD)).toEqual({
        mechanism: M.ADEQUACY_DECISION,
        reference: DPF,
        problems: [],
      });
    });
  });
});

describe('transferStatus', () => {
  const safe = { safeguarded: true, problem: null };

  it('treats a German location as no transfer, with or without a mechanism', () => {
    expect(transferStatus(DE, null, null)).toEqual({ thirdCountry: false, ...safe });
    expect(transferStatus(DE, M.STANDARD_CONTRACTUAL_CLAUSES, SCC_REF)).toEqual({ thirdCountry: false, ...safe });
  });

  it.each([JP, GB, CH])('counts $code as safeguarded by adequacy even without a recorded mechanism', (full) => {
    expect(transferStatus(full, null, null)).toEqual({ thirdCountry: true, ...safe });
    expect(transferStatus(full, M.ADEQUACY_DECISION, null)).toEqual({ thirdCountry: true, ...safe });
    expect(transferStatus(full, M.STANDARD_CONTRACTUAL_CLAUSES, null)).toEqual({ thirdCountry: true, ...safe });
  });

  it('counts a US location without a mechanism as unsafeguarded', () => {
    expect(transferStatus(US, null, null)).toEqual({
      thirdCountry: true,
      safeguarded: false,
      problem: expect.stringMatching(/^a mechanism is required for US \(United States\), whose adequacy/),
    });
  });

  it('counts a US adequacy decision with a DPF reference as safeguarded', () => {
    expect(transferStatus(US, M.ADEQUACY_DECISION, DPF)).toEqual({ thirdCountry: true, ...safe });
  });

  it('counts a US adequacy decision without a DPF reference as unsafeguarded', () => {
    for (const reference of [null, SCC_REF]) {
      const status = transferStatus(US, M.ADEQUACY_DECISION, reference);
      expect(status).toMatchObject({ thirdCountry: true, safeguarded: false });
      expect(status.problem).toContain('EU-US Data Privacy Framework');
    }
  });

  it('counts US standard contractual clauses as safeguarded', () => {
    expect(transferStatus(US, M.STANDARD_CONTRACTUAL_CLAUSES, null)).toEqual({ thirdCountry: true, ...safe });
  });

  it('counts a Canadian adequacy decision as safeguarded only with a reference', () => {
    expect(transferStatus(CA, M.ADEQUACY_DECISION, 'Decision 2002/2/EC')).toEqual({ thirdCountry: true, ...safe });
    expect(transferStatus(CA, M.ADEQUACY_DECISION, null)).toMatchObject({ thirdCountry: true, safeguarded: false });
    expect(transferStatus(CA, M.ADEQUACY_DECISION, '')).toMatchObject({ safeguarded: false });
  });

  it.each([IN, CN])('counts $code without a mechanism as unsafeguarded', (none) => {
    expect(transferStatus(none, null, null)).toEqual({
      thirdCountry: true,
      safeguarded: false,
      problem: expect.stringContaining(`a mechanism is required for ${none.code} (${none.name}), which has no`),
    });
  });

  it.each([IN, CN])('counts an adequacy decision for $code as unsafeguarded', (none) => {
    expect(transferStatus(none, M.ADEQUACY_DECISION, null)).toEqual({
      thirdCountry: true,
      safeguarded: false,
      problem: expect.stringContaining(`ADEQUACY_DECISION is not available for ${none.code} (${none.name})`),
    });
  });

  it.each(ART_46_AND_49)('counts %s for India as safeguarded', (mechanism) => {
    expect(transferStatus(IN, mechanism, null)).toEqual({ thirdCountry: true, ...safe });
  });

  it('gives the same verdict as validateLocation, without the field path', () => {
    const status = transferStatus(IN, M.ADEQUACY_DECISION, null);
    const [problem] = validateLocation({ country: IN, mechanism: M.ADEQUACY_DECISION }, FIELD).problems;
    expect(problem.message).toBe(`${FIELD}.mechanism: ${status.problem}`);
  });
});

describe('isDpfReference', () => {
  const dpfReferences = ['EU-US Data Privacy Framework', 'data privacy framework', 'DPF', 'DPF-certified'];

  it.each(dpfReferences)('recognises "%s"', (reference) => {
    expect(isDpfReference(reference)).toBe(true);
  });

  it.each([null, undefined, '', 'SCC 2021/914 module 2', 'Privacy Shield', 'ADPFX'])('rejects %p', (reference) => {
    expect(isDpfReference(reference)).toBe(false);
  });
});
