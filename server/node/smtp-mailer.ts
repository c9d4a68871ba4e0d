/**
 * The Node adapter for outgoing mail: SMTP through nodemailer, configured by
 * TELLER_SMTP_URL (`smtp://user:pass@host:587`, or `smtps://…:465` for TLS from the start)
 * and TELLER_MAIL_FROM. Without TELLER_SMTP_URL there is no mailer.
 * @module
 */
import { createTransport } from 'nodemailer';
import { ConfigError } from '../core/config.ts';
import type { Mailer, MailMessage } from '../core/ports.ts';

/** The mailer the environment configures, or null when TELLER_SMTP_URL is unset. */
export function smtpMailerFromEnv(env: Readonly<Record<string, string | undefined>>): Mailer | null {
  const url = env.TELLER_SMTP_URL?.trim();
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('TELLER_SMTP_URL: not a URL; expected smtp://user:password@host:587 or smtps://user:password@host:465');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError(`TELLER_SMTP_URL: the scheme must be smtp: or smtps:, not ${parsed.protocol}`);
  }
  const from = env.TELLER_MAIL_FROM?.trim() || `Teller <teller@${parsed.hostname}>`;
  return createSmtpMailer(url, from);
}

export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = createTransport(url);
  return {
    from,
    async send(message: MailMessage): Promise<void> {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { ...message.headers },
        attachments: (message.inline ?? []).map((image) => ({
          cid: image.cid,
          filename: image.filename,
          contentType: image.contentType,
          content: Buffer.from(image.content),
          contentDisposition: 'inline' as const,
        })),
      });
    },
  };
}
