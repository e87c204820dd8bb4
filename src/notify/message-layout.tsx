import { renderToStaticMarkup } from 'preact-render-to-string';

/**
 * An email is written once as a list of blocks and rendered twice, as plain text and as HTML, so the two
 * parts cannot drift apart. The HTML goes through preact, which escapes every interpolated value: a name
 * like `<script>` arrives as text, never as markup.
 */
export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'code'; code: string }
  | { kind: 'button'; label: string; href: string }
  | { kind: 'facts'; rows: Array<[label: string, value: string]> };

export interface EmailContent {
  subject: string;
  blocks: Block[];
  publicUrl: string;
}

export const text = (value: string): Block => ({ kind: 'text', text: value });
export const code = (value: string): Block => ({ kind: 'code', code: value });
export const button = (label: string, href: string): Block => ({ kind: 'button', label, href });
export const facts = (rows: Array<[string, string | undefined]>): Block => ({
  kind: 'facts',
  rows: rows.filter((r): r is [string, string] => !!r[1]),
});

/** Greets by name only where the caller knows the contact is the account's proven one; otherwise "Hello,". */
export const greeting = (name?: string): Block => text(name?.trim() ? `Hello ${name.trim()},` : 'Hello,');

/** Text a customer typed, shown inside our own sentences: visibly quoted, so it never reads as our voice. */
export const quoted = (value: string): string => `“${value}”`;

// Phishing defence: every message says the same thing about what we never ask for.
const NEVER_ASK = 'Custos will never ask for your password, or for a code we sent you, by email, text or phone.';
const SIGN_OFF = ['Thanks,', 'Custos'];

export function renderText(content: EmailContent): string {
  const parts = content.blocks.map((block) => {
    switch (block.kind) {
      case 'text':
        return block.text;
      case 'code':
        return `    ${block.code}`;
      case 'button':
        return `${block.label}: ${block.href}`;
      case 'facts':
        return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n');
    }
  });
  return [...parts, SIGN_OFF.join('\n'), `${NEVER_ASK}\n${content.publicUrl}`].join('\n\n') + '\n';
}

const styles = {
  body: 'margin:0;padding:24px 12px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2328;',
  card: 'max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d8dce1;border-radius:8px;padding:28px;',
  brand: 'margin:0 0 20px;font-size:18px;font-weight:bold;color:#1f2328;',
  heading: 'margin:0 0 16px;font-size:22px;line-height:1.3;',
  p: 'margin:0 0 16px;font-size:15px;line-height:1.5;',
  code: 'margin:0 0 16px;font-size:32px;font-weight:bold;letter-spacing:6px;font-family:Consolas,Menlo,monospace;',
  button: 'display:inline-block;padding:12px 22px;background:#1f5fbf;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:bold;font-size:15px;',
  small: 'margin:0 0 16px;font-size:13px;line-height:1.5;color:#57606a;word-break:break-all;',
  facts: 'margin:0 0 16px;font-size:15px;line-height:1.6;border-collapse:collapse;',
  factLabel: 'padding:2px 16px 2px 0;color:#57606a;vertical-align:top;',
  footer: 'max-width:560px;margin:16px auto 0;font-size:12px;line-height:1.5;color:#57606a;text-align:center;',
};

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'text':
      return <p style={styles.p}>{block.text}</p>;
    case 'code':
      return <p style={styles.code}>{block.code}</p>;
    case 'button':
      return (
        <>
          <p style={styles.p}>
            <a href={block.href} style={styles.button}>{block.label}</a>
          </p>
          <p style={styles.small}>
            If the button doesn't work, copy this link into your browser: {block.href}
          </p>
        </>
      );
    case 'facts':
      return (
        <table role="presentation" style={styles.facts}>
          {block.rows.map(([label, value]) => (
            <tr>
              <td style={styles.factLabel}>{label}</td>
              <td>{value}</td>
            </tr>
          ))}
        </table>
      );
  }
}

export function renderHtml(content: EmailContent): string {
  const markup = renderToStaticMarkup(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{content.subject}</title>
      </head>
      <body style={styles.body}>
        <div style={styles.card}>
          <p style={styles.brand}>◆ Custos</p>
          <h1 style={styles.heading}>{content.subject}</h1>
          {content.blocks.map((block) => (
            <BlockView block={block} />
          ))}
          <p style={styles.p}>
            {SIGN_OFF[0]}
            <br />
            {SIGN_OFF[1]}
          </p>
        </div>
        <p style={styles.footer}>
          {NEVER_ASK}
          <br />
          {content.publicUrl}
        </p>
      </body>
    </html>,
  );
  return `<!doctype html>${markup}`;
}
