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

  it('should accept tomorrow in UTC while it is already today somewhere on earth', () => {
    expect(isPastCalendarDate('2026-06-16', new Date('2026-06-15T23:00:00Z'))).toBe(true);
    expect(isPastCalendarDate('2026-06-17', new Date('2026-06-15T23:00:00Z'))).toBe(false);
  });
});
