/**
 * The Workers adapter for outgoing mail: Cloudflare's `send_email` binding (Email Service),
 * given the message as its structured builder, the chart and logo as inline attachments
 * (`contentId`, shown by `cid:`). The sender must be an address on a domain set up for
 * sending in Cloudflare (docs/deploy-workers.md).
 * @module
 */
import type { Mailer, MailMessage } from '../core/ports.ts';

/** `Name <address>` as Cloudflare's `{ name, email }`, or the bare address. */
function sender(from: string): string | EmailAddress {
  const match = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from);
  return match ? { name: match[1]!.replace(/^"|"$/g, ''), email: match[2]! } : from.trim();
}

export function sendEmailMailer(binding: SendEmail, from: string): Mailer {
  return {
    from,
    async send(message: MailMessage): Promise<void> {
      await binding.send({
        from: sender(from),
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(message.headers ? { headers: { ...message.headers } } : {}),
        attachments: (message.inline ?? []).map((image) => ({
          disposition: 'inline' as const,
          contentId: image.cid,
          filename: image.filename,
          type: image.contentType,
          content: image.content,
        })),
      });
    },
  };
}
