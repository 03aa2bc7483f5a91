import { neutraliseFormulaCell } from '../common/formulaCells';

/**
 * One CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote, a line break, or
 * whitespace at either end (the import trims unquoted fields, so quoting keeps the spaces),
 * with quotes doubled. Numbers are written plainly, as JavaScript prints them: the shortest
 * text that reads back as the same double, never with thousands separators; a negative number
 * stays a number. Text that a spreadsheet would run as a formula gets a leading single quote
 * (neutraliseFormulaCell), which the import takes off again.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : neutraliseFormulaCell(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV record ending in "\n". */
export function csvLine(fields: (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}
