// A real SMTP receiver on loopback (smtp-server) for the tests that send mail: no TLS, no auth. Each message is
// handed to `onMail` with its envelope recipients and raw body; an Error it returns refuses the message (e.g.
// a 451 with `responseCode`), so a test can make the mail server fail.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type TReceivedMail = { to: string[]; body: string };
export type TSmtpReceiver = { url: string; close: () => Promise<void> };

export async function startSmtpReceiver(onMail: (mail: TReceivedMail) => Error | void = () => {}): Promise<TSmtpReceiver> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, cb) {
      let body = "";
      stream.on("data", (d: Buffer) => (body += d.toString("utf8")));
      stream.on("end", () => {
        const refusal = onMail({ to: session.envelope.rcptTo.map((r) => r.address), body });
        cb(refusal ?? undefined);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
