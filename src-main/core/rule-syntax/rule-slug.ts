// A rule's id when none is given: its name, lowered and hyphenated, so ids read like the rule.
/** "Large USDC transfer!" → "large-usdc-transfer" */
export function ruleSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return slug === '' ? 'rule' : slug;
}
