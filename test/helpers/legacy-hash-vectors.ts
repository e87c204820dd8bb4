/**
 * One known hash per legacy format a store may import, with the password that made it. Each comes from the source
 * platform's published vectors or its own code, so the import is checked against what the platform really wrote.
 */
export interface LegacyHashVector {
  /** A short name for test titles and for the imported customer's email (`<name>@import.example`). */
  name: string;
  password: string;
  hash: string;
  format: string;
  params: Record<string, unknown>;
}

export const LEGACY_HASH_VECTORS: LegacyHashVector[] = [
  {
    name: 'argon2id-phc',
    password: 'correct horse battery staple',
    hash: '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ISO7kkvFzh19GM8qB7patN3C3Y9HHsjlVTfEZ9T600Y',
    format: 'auto',
    params: {},
  },
  // The argon2 reference implementation's test vector (P-H-C/phc-winner-argon2 test.c, also in passlib/libpass).
  {
    name: 'argon2i-phc',
    password: 'password',
    hash: '$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA',
    format: 'auto',
    params: {},
  },
  // Openwall crypt_blowfish's wrapper.c tests (the bcrypt PHP's crypt() is built on): $2a$ and $2y$ alike.
  { name: 'bcrypt-2a', password: 'U*U', hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', format: 'auto', params: {} },
  { name: 'bcrypt-2y', password: 'U*U', hash: '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', format: 'auto', params: {} },
  // crypt_blowfish's 72-byte vector: the characters after the 72nd byte are ignored, as PHP ignored them.
  {
    name: 'bcrypt-72-bytes',
    password: '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored',
    hash: '$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui',
    format: 'auto',
    params: {},
  },
  // A WordPress 6.8 user_pass published in a public PHP test suite; checked against wp_check_password's algorithm.
  { name: 'wordpress-6-8', password: 'password', hash: '$wp$2y$10$/ktG/bzsEU/Ag7umrbqsTeiSLAJ4IXWjA5ZaN/ZBjqQZ.oNDEP1Vm', format: 'auto', params: {} },
  // phpass test.php's own vector ($P$, 2^11 rounds) and passlib's $H$ (phpBB 3) vector.
  { name: 'phpass-p', password: 'test12345', hash: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0', format: 'auto', params: {} },
  { name: 'phpass-h', password: 'test1', hash: '$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00', format: 'auto', params: {} },
  // WordPress ≤ 6.7 at its own cost (2^13, letter B), from FusionAuth's published WordPress import example.
  { name: 'phpass-wordpress', password: '!?!#?#?#$&@&@!&@', hash: '$P$Buvd5FQxkeXJnDarN7..wRMwRKJeZ40', format: 'auto', params: {} },
  // RustCrypto password-hashes, scrypt crate tests (PHC $scrypt$, N = 2^16, r = 8, p = 1).
  {
    name: 'scrypt-phc',
    password: 'password',
    hash: '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E',
    format: 'auto',
    params: {},
  },
  // Firebase's published algorithm and test vector (github.com/firebase/scrypt README).
  {
    name: 'firebase-scrypt',
    password: 'user1password',
    hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
    format: 'firebase-scrypt',
    params: {
      salt: '42xEC+ixf3L2lw==',
      signer_key: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
      salt_separator: 'Bw==',
      rounds: 8,
      mem_cost: 14,
    },
  },
  // Authelia's documentation example (passlib's $pbkdf2-sha512$ form, 310,000 iterations): 'insecure_secret'.
  {
    name: 'pbkdf2-sha512-phc',
    password: 'insecure_secret',
    hash: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng',
    format: 'auto',
    params: {},
  },
  // Django 4.2's tests/auth_tests/test_hashers.py, test_pbkdf2.
  {
    name: 'django-pbkdf2',
    password: 'lètmein',
    hash: 'pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA=',
    format: 'auto',
    params: {},
  },
  // Magento 2 hashes from Shopware's Magento migration plugin (SwagMigrationMagento): its encoder tests (md5,
  // sha256) and its Magento 2.4 customer fixture (argon2id13 "agnostic", version 3_32_2_67108864).
  { name: 'magento2-md5', password: 'shopware', hash: 'e9885e11dfcdd0e93edbc8a48b464229:HOiS51whl8VzfvZvGfw5AKa8gn7c3bEZ:0', format: 'magento2', params: {} },
  { name: 'magento2-sha256', password: 'shopware', hash: '0031eacf0a058199396f3ecd3a68ea620bb335a3bbf22e5f34547e27affa7249:HOiS51whl8VzfvZvGfw5AKa8gn7c3bEZ:1', format: 'magento2', params: {} },
  {
    name: 'magento2-argon2id13',
    password: 'Password@2022',
    hash: 'abf1de8d537a1270237b9b56c8db9c67aeece6d89639a64d5ffd7264262541ab:PNK7gwTSnTc9L8AXZEvgZQ4SA66qirus:3_32_2_67108864',
    format: 'magento2',
    params: {},
  },
  // The same Magento sha256 vector read as a plain prefix-salted SHA-256 (Magento's version 1 is sha256(salt ‖ password)).
  {
    name: 'sha256-salted',
    password: 'shopware',
    hash: '0031eacf0a058199396f3ecd3a68ea620bb335a3bbf22e5f34547e27affa7249',
    format: 'sha256-salted',
    params: { salt: 'HOiS51whl8VzfvZvGfw5AKa8gn7c3bEZ', salt_position: 'prefix' },
  },
  // FIPS 180-2's two-block SHA-1 example message, split into a password and a suffix salt.
  {
    name: 'sha1-salted',
    password: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmno',
    hash: '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    format: 'sha1-salted',
    params: { salt: 'mnopnopq', salt_position: 'suffix' },
  },
];
