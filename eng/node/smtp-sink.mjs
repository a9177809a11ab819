// A real SMTP server for the tests (npm smtp-server 3.21.6): listens on 127.0.0.1:<port>, accepts every message and
// writes it, as received, to <dir>/<n>.eml, and its envelope plus what npm mailparser 3.14.2 decodes of it (an
// independent MIME parser) to <dir>/<n>.json, before answering 250; prints "listening <port>" once ready.
// Usage: node smtp-sink.mjs <port> <dir> [--auth user:password] [--lifetime-seconds N]
// It exits by itself after the lifetime (default 600 s) so a crashed test run leaves nothing behind.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const port = Number(args[0]);
const dir = args[1];
if (!Number.isInteger(port) || port <= 0 || !dir) {
  console.error('usage: node smtp-sink.mjs <port> <dir> [--auth user:password] [--lifetime-seconds N]');
  process.exit(2);
}
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const auth = option('--auth');
const lifetime = Number(option('--lifetime-seconds') ?? 600);
fs.mkdirSync(dir, { recursive: true });
let count = 0;

const server = new SMTPServer({
  secure: false,
  disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
  allowInsecureAuth: true,
  authOptional: !auth,
  logger: false,
  onAuth(credentials, session, callback) {
    if (auth && `${credentials.username}:${credentials.password}` === auth) {
      callback(null, { user: credentials.username });
    } else {
      callback(new Error('Invalid username or password'));
    }
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', async () => {
      try {
        count += 1;
        const name = String(count).padStart(6, '0');
        const raw = Buffer.concat(chunks);
        const parsed = await simpleParser(raw);
        const received = {
          envelopeFrom: session.envelope.mailFrom && session.envelope.mailFrom.address,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          user: session.user ?? null,
          from: parsed.from ? parsed.from.text : null,
          to: parsed.to ? parsed.to.text : null,
          subject: parsed.subject ?? null,
          messageId: parsed.messageId ?? null,
          category: parsed.headers.get('x-foundation-category') ?? null,
          text: parsed.text ?? null,
          html: parsed.html || null,
        };
        fs.writeFileSync(path.join(dir, `${name}.eml`), raw);
        const tmp = path.join(dir, `${name}.json.tmp`);
        fs.writeFileSync(tmp, JSON.stringify(received));
        fs.renameSync(tmp, path.join(dir, `${name}.json`));
        callback();
      } catch (err) {
        callback(err);
      }
    });
  },
});

server.on('error', (err) => {
  console.error(`smtp-sink error: ${err.message}`);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`listening ${port}`);
});
setTimeout(() => server.close(() => process.exit(0)), lifetime * 1000).unref();
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
