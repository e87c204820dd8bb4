import { describe, expect, it } from 'vitest';
import { amountForInput, cartTotal, formatMoney, parseAmount } from '../../src/demo-partner/catalogue.js';

/** The refund amount a person types, read as text into minor units: never through a float, never beyond two decimals. */
describe('the demo partner reads amounts', () => {
  it('reads the amounts people type', () => {
    expect(parseAmount('24', 'USD')).toBe(2400);
    expect(parseAmount('24.5', 'USD')).toBe(2450);
    expect(parseAmount(' 24.05 ', 'USD')).toBe(2405);
    expect(parseAmount('$0.01', 'USD')).toBe(1);
    expect(parseAmount('500', 'JPY')).toBe(500);
    expect(parseAmount(amountForInput(10300, 'USD'), 'USD')).toBe(10300);
  });

  it('refuses what is not a plain amount: signs, exponents, extra decimals, separators, other digits, overflow', () => {
    for (const typed of ['', '-1', '+1', '1e3', '0x10', '12.345', '12,50', '1 000', '１２', '٣', '12.', '.5', 'NaN', 'Infinity', '1234567890', '9'.repeat(400), '12\u0000', '5.5'])
      expect(parseAmount(typed, typed === '5.5' ? 'JPY' : 'USD'), JSON.stringify(typed.slice(0, 20))).toBeUndefined();
  });

  it('totals the cart exactly and shows money the way people read it', () => {
    expect(cartTotal()).toBe(7900 + 2 * 1200);
    expect(formatMoney(10300, 'USD')).toBe('$103.00');
    expect(formatMoney(500, 'JPY')).toBe('¥500');
  });
});
