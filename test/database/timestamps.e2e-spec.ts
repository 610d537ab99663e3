import { Client, types } from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { parseTimestamptz, PG_TYPES } from '../../src/database/timestamps';

/** node-postgres's own timestamptz parser (postgres-date), which parseTimestamptz must agree with. */
const pgParse = types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;

describe('timestamptz parsing', () => {
  const client = new Client({ connectionString: inject('databaseUrl') });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it('should read every timestamptz as node-postgres does, in any session time zone', async () => {
    const special = [
      '2026-12-03 07:45:22+00',
      '2026-12-03 07:45:22.1+00',
      '2026-12-03 07:45:22.57+00',
      '2026-12-03 07:45:22.999999+00',
      '2000-02-29 23:59:59.9995+00',
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00+00 BC',
      '0099-01-01 00:00:00+00',
      '0999-12-31 23:59:59+00',
      '10000-01-01 00:00:00+00',
      '1883-11-18 12:00:00+00',
    ];
    let compared = 0;
    // The same values on every run, so a difference can be replayed.
    await client.query('SELECT setseed(0.11)');
    for (const zone of ['UTC', 'Asia/Shanghai', 'Asia/Kolkata', 'America/St_Johns', 'America/New_York', 'Pacific/Kiritimati']) {
      await client.query(`SET TIME ZONE '${zone}'`);
      const { rows } = await client.query<{ t: string }>(
        `SELECT (timestamptz '1900-01-01' + random() * interval '200 years')::text AS t FROM generate_series(1, 3000)
          UNION ALL SELECT unnest($1::timestamptz[])::text`,
        [special],
      );
      for (const { t } of rows) {
        const ours = parseTimestamptz(t);
        const theirs = pgParse(t);
        if (theirs instanceof Date) expect([t, ours.getTime()]).toEqual([t, theirs.getTime()]);
        else expect([t, ours]).toEqual([t, theirs]);
        compared++;
      }
    }
    // A LMT offset with seconds (`-04:56:02`, New York before 1883) is among them, and goes to postgres-date.
    expect(compared).toBe(6 * (3000 + special.length));
  });

  it('should be what the app\'s pools parse timestamptz with, and leave the global parsers alone', async () => {
    expect(PG_TYPES.getTypeParser(1184, 'text')).toBe(parseTimestamptz);
    expect(PG_TYPES.getTypeParser(1114, 'text')).toBe(types.getTypeParser(1114, 'text'));
    expect(types.getTypeParser(1184, 'text')).not.toBe(parseTimestamptz);
    const options = buildDataSourceOptions(inject('databaseUrl')) as { extra?: { types?: unknown } };
    expect(options.extra?.types).toBe(PG_TYPES);
  });
});
