import { describe, expect, it } from 'vitest';
import { compareDecimal, moneyFromNumber, moneyFromString } from './money';

describe('money', () => {
  it('should keep JSON numbers with up to 2 decimals exactly', () => {
    expect(moneyFromNumber(0.1, '99999999.99')).toBe('0.1');
    expect(moneyFromNumber(0.2, '99999999.99')).toBe('0.2');
    expect(moneyFromNumber(99999999.99, '99999999.99')).toBe('99999999.99');
    expect(moneyFromNumber(0, '99999999.99')).toBe('0');
    expect(moneyFromNumber(12.5, '99999999.99')).toBe('12.5');
  });

  it('should refuse more than 2 decimals, negatives, out of range, and non-numbers', () => {
    for (const bad of [1.005, 0.001, -1, 100000000, 99999999.991, Number.NaN, Infinity, 1e-7, 1e21, '12.5', null, true]) {
      expect(moneyFromNumber(bad, '99999999.99')).toBeNull();
    }
  });

  it('should read query amounts', () => {
    expect(moneyFromString('10.5', '99999999.99')).toBe('10.5');
    for (const bad of ['', '1.005', '-1', '01', '1e3', ' 1', '1.', '.5', '100000000']) expect(moneyFromString(bad, '99999999.99')).toBeNull();
  });

  it('should compare decimals exactly', () => {
    expect(compareDecimal('10', '9.99')).toBe(1);
    expect(compareDecimal('9.9', '9.90')).toBe(0);
    expect(compareDecimal('0.1', '0.09')).toBe(1);
  });
});
