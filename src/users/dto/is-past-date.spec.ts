import { describe, expect, it } from 'vitest';
import { isPastCalendarDate } from './is-past-date';

describe(isPastCalendarDate.name, () => {
  const now = new Date('2026-06-15T12:00:00Z');

  it.each(['1995-04-01', '2024-02-29', '2026-06-15', '1900-01-01'])('should accept %s', (value) => {
    expect(isPastCalendarDate(value, now)).toBe(true);
  });

  it.each(['2023-02-29', '2026-13-01', '2026-04-31', '2027-01-01', '1899-12-31', '95-04-01', '2026-6-1', '', 19950401, null])(
    'should refuse %j',
    (value) => {
      expect(isPastCalendarDate(value, now)).toBe(false);
    },
  );

  it('should accept today in China while it is still yesterday in UTC', () => {
    // 2026-06-15T16:30Z is 00:30 on 16 June in Beijing.
    expect(isPastCalendarDate('2026-06-16', new Date('2026-06-15T16:30:00Z'))).toBe(true);
    expect(isPastCalendarDate('2026-06-17', new Date('2026-06-15T16:30:00Z'))).toBe(false);
  });

  it('should refuse tomorrow in China even where it is already today (UTC+14)', () => {
    // 2026-06-15T12:00Z is 20:00 on 15 June in Beijing, 02:00 on 16 June in Kiribati.
    expect(isPastCalendarDate('2026-06-16', now)).toBe(false);
  });

  it('should turn the day at midnight in Beijing (16:00 UTC)', () => {
    expect(isPastCalendarDate('2026-06-16', new Date('2026-06-15T15:59:59.999Z'))).toBe(false);
    expect(isPastCalendarDate('2026-06-16', new Date('2026-06-15T16:00:00.000Z'))).toBe(true);
  });
});
