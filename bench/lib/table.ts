// The results tables: measurement, figure(s), and what it was measured on.

export interface TableRow {
  measurement: string;
  value: string;
  notes?: string;
}

export function printTable(title: string, rows: readonly TableRow[]): void {
  printGrid(
    title,
    ['measurement', 'value', 'notes'],
    rows.map((row) => [row.measurement, row.value, row.notes ?? '']),
  );
}

/**
 * Columns padded to their widest cell (the first left-aligned, the middle ones right-aligned),
 * the last column free text: one figure per size side by side, for example.
 */
export function printGrid(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  const widths = header.map((name, column) =>
    Math.max(name.length, 5, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const last = header.length - 1;
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === last
          ? cell
          : column === 0
            ? `${cell.padEnd(widths[column]!)}  `
            : `${cell.padStart(widths[column]!)} `,
      )
      .join('│ ')
      .trimEnd();
  const rule = widths
    .map((width, column) => '─'.repeat(column === last ? 40 : width + 2))
    .join('┼');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(rule);
  for (const row of rows) console.log(line(row));
}
