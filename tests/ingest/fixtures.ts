/**
 * Test documents built in code: a PDF written by hand (one page, Helvetica, one text line per
 * entry, document information with title, author and date) and HTML articles.
 */

/** A minimal valid PDF. `lines: null` draws a line and no text: a scan's missing text layer. */
export function minimalPdf(
  lines: readonly string[] | null,
  info: { title?: string; author?: string; date?: string } = {},
): Uint8Array {
  const escape = (text: string) => text.replace(/[\\()]/g, (char) => `\\${char}`);
  const content = lines
    ? `BT /F1 12 Tf 14 TL 72 720 Td ${lines.map((line) => `(${escape(line)}) '`).join(' ')} ET`
    : '0 0 m 200 200 l S';
  const infoEntries = [
    info.title ? `/Title (${escape(info.title)})` : '',
    info.author ? `/Author (${escape(info.author)})` : '',
    info.date ? `/CreationDate (D:${info.date.replace(/-/g, '')}000000Z)` : '',
  ].join(' ');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< ${infoEntries} >>`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}

/** An article page with the metadata Readability reads from meta tags. */
export function articleHtml(options: { canonical?: string; lang?: string } = {}): string {
  const paragraph = (n: number) =>
    `<p>Paragraph ${n} of the report on municipal water quality. The council measured lead at ` +
    `forty schools in March and published every result, school by school, with the dates of ` +
    `each sample and the laboratory that tested it.</p>`;
  return `<!doctype html>
<html lang="${options.lang ?? 'en-GB'}">
<head>
  <meta charset="utf-8">
  <title>Lead in school water: the full results | Riverside Gazette</title>
  <meta property="og:title" content="Lead in school water: the full results">
  <meta property="og:site_name" content="Riverside Gazette">
  <meta name="author" content="Ada Byline">
  <meta property="article:published_time" content="2023-03-14T09:30:00+01:00">
  ${options.canonical ? `<link rel="canonical" href="${options.canonical}">` : ''}
</head>
<body>
  <nav><a href="/">Home</a> <a href="/news">News</a></nav>
  <article>
    <h1>Lead in school water: the full results</h1>
    <h2>Passports</h2>
    ${[1, 2, 3, 4, 5].map(paragraph).join('\n    ')}
    <p>Contact the desk at <a href="mailto:desk@example.org">desk@example.org</a>.</p>
  </article>
  <footer>© Riverside Gazette</footer>
</body>
</html>`;
}
