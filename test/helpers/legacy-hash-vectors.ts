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
];
