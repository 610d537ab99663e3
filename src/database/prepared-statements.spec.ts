import { describe, expect, it } from 'vitest';
import { preparedName, statement } from './prepared-statements';

describe('prepared statements', () => {
  it('should name a statement by its text: the same name for the same text, another for another', () => {
    const a = preparedName('SELECT 1 AS a WHERE $1::int = 1');
    expect(a).toMatch(/^wx_[0-9a-f]{32}$/);
    expect(preparedName('SELECT 1 AS a WHERE $1::int = 1')).toBe(a);
    expect(preparedName('SELECT 2 AS a WHERE $1::int = 1')).not.toBe(a);
  });

  it('should run unnamed unless asked to prepare', () => {
    expect(statement('SELECT $1::int', [1], false)).toEqual({ text: 'SELECT $1::int', values: [1] });
    expect(statement('SELECT $1::int', [1], true)).toEqual({ name: preparedName('SELECT $1::int'), text: 'SELECT $1::int', values: [1] });
  });

  it('should stop naming new texts past its cap, so a process never holds unbounded statements', () => {
    const named = Array.from({ length: 300 }, (_, i) => statement(`SELECT ${i} AS capped`, [], true));
    expect(named.filter((s) => s.name === undefined).length).toBeGreaterThan(0);
    // Texts named before the cap keep their names.
    expect(statement('SELECT 0 AS capped', [], true).name).toBe(named[0].name);
  });
});
