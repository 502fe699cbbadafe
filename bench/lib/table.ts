// The one results table: measurement, figure, and what it was measured on.

export interface TableRow {
  measurement: string;
  value: string;
  notes?: string;
}

export function printTable(title: string, rows: readonly TableRow[]): void {
  const nameWidth = Math.max(11, ...rows.map((row) => row.measurement.length));
  const valueWidth = Math.max(5, ...rows.map((row) => row.value.length));
  const rule = `${'─'.repeat(nameWidth + 2)}┼${'─'.repeat(valueWidth + 2)}┼${'─'.repeat(40)}`;
  console.log(`\n${title}`);
  console.log(`${'measurement'.padEnd(nameWidth)}  │ ${'value'.padStart(valueWidth)} │ notes`);
  console.log(rule);
  for (const row of rows) {
    console.log(
      `${row.measurement.padEnd(nameWidth)}  │ ${row.value.padStart(valueWidth)} │ ${row.notes ?? ''}`,
    );
  }
}
