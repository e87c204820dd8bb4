/**
 * ISO 4217 currencies an order may be in, with their minor-unit exponent. Amounts are always integers in minor
 * units (cents, yen, fils); the exponent is only for showing them (1234 USD → "12.34", 1234 JPY → "1234",
 * 1234 KWD → "1.234"). Funds, precious metals and testing codes (XAU, XDR, XTS…) are not money a shop charges.
 * A few recently withdrawn codes stay so that imported historical orders keep their currency.
 */
const ZERO_DECIMALS = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE_DECIMALS = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR_DECIMALS = 'CLF UYW';
const TWO_DECIMALS =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE ' +
  'CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD ' +
  'HNL HRK HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP ' +
  'MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR ' +
  'SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED ' +
  'VES WST XCD XCG YER ZAR ZMW ZWG ZWL';

const exponents = new Map<string, number>();
for (const [codes, exponent] of [[ZERO_DECIMALS, 0], [TWO_DECIMALS, 2], [THREE_DECIMALS, 3], [FOUR_DECIMALS, 4]] as const) {
  for (const code of codes.split(' ')) exponents.set(code, exponent);
}

export function isCurrency(code: string): boolean {
  return exponents.has(code);
}

/** How many decimal places the currency's minor unit has (2 for USD, 0 for JPY, 3 for KWD). */
export function minorUnitExponent(code: string): number {
  const exponent = exponents.get(code);
  if (exponent === undefined) throw new Error(`not a currency: ${code}`);
  return exponent;
}

/**
 * An integer amount of minor units as an exact decimal string ("-12.05"), for display; no floating point. A
 * bigint serves sums beyond Number.MAX_SAFE_INTEGER (a year of very large orders), which a number can't hold.
 */
export function toDecimalString(minorUnits: number | bigint, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const units = BigInt(minorUnits);
  const digits = (units < 0n ? -units : units).toString().padStart(exponent + 1, '0');
  const sign = units < 0n ? '-' : '';
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
