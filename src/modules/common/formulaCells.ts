/**
 * Cells a spreadsheet would run as a formula: text starting with `=`, `+`, `-` or `@`, or with a
 * tab or carriage return (which some spreadsheets skip before looking for one). A public CSV
 * export holds text anyone could have imported (notes, regions, disaggregation values), and
 * `=cmd|' /C calc'!A0` in a cell is code on the machine of whoever opens the file. OWASP's
 * advice: prefix such a cell with a single quote, which spreadsheets show as text.
 * https://owasp.org/www-community/attacks/CSV_Injection
 *
 * Text already starting with quotes before such a character gets one more, so that the import
 * can undo exactly what the export did (restoreFormulaCell): every text round-trips unchanged,
 * including one that really starts with `'=`.
 */
const NEEDS_QUOTE = /^'*[=+\-@\t\r]/;
const QUOTED = /^'+[=+\-@\t\r]/;

export function neutraliseFormulaCell(text: string): string {
  return NEEDS_QUOTE.test(text) ? `'${text}` : text;
}

/** The inverse of neutraliseFormulaCell: one leading quote off a cell the export protected. */
export function restoreFormulaCell(text: string): string {
  return text.charCodeAt(0) === 39 && QUOTED.test(text) ? text.slice(1) : text;
}
