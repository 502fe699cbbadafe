// The one byte-exact encoding an audit entry is hashed over: JSON with object keys sorted at
// every depth and no white space, so the same entry hashes the same on every machine and after
// any round trip through a parser that reorders keys.
//
// Written as plain loops appending to one string: it runs for every entry whenever the log is
// checked (a million entries at every start of a long-lived install), and the map/filter/join
// form cost about twice as much.
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol')
      throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ',';
      text += canonicalJson(value[index]);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${text}}`;
}
