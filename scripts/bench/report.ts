// Tables for the terminal and for Markdown, from the same rows.

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  notes: string[];
}

export function textTable(table: Table): string {
  const widths = table.header.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = [`\n== ${table.title}`, line(table.header), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)];
  for (const note of table.notes) out.push(`   ${note}`);
  return out.join('\n');
}

export function markdownTable(table: Table): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const out = [
    `### ${table.title}`,
    '',
    `| ${table.header.map(esc).join(' | ')} |`,
    `|${table.header.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`,
    ...table.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    '',
  ];
  for (const note of table.notes) out.push(`- ${note}`);
  if (table.notes.length) out.push('');
  return out.join('\n');
}
