/** Real-looking addresses as a customer would type them (names for regions, loose postal-code spacing). */
export const SF = { full_name: 'Ada Lovelace', line1: '1 Market St', city: 'San Francisco', region: 'California', postal_code: '94103', country: 'US' };
export const LONDON = { full_name: 'Ada Lovelace', line1: '10 Downing Street', city: 'London', postal_code: 'sw1a2aa', country: 'gb', phone: '020 7946 0018' };
export const TOKYO = { full_name: '山田太郎', line1: '丸の内1-1', city: '千代田区', region: '東京都', postal_code: '1000005', country: 'JP' };
