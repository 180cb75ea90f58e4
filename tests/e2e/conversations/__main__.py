"""Print the share of the conversation set the assistant handles.

    python -m tests.e2e.conversations            # starts the whole stack on free ports
    python -m tests.e2e.conversations --url http://localhost:5005 --database sqlite:///var/utility.db
    python -m tests.e2e.conversations -v         # with the transcript of each failure
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

from tests.e2e.conversations import runner


def _rest_sender(url: str):
    def send(sender: str, message: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{url.rstrip('/')}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"[]")

    return send


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Rasa server (default: start the whole stack)")
    parser.add_argument("--database", help="its database URL (for the demo placeholders)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    conversations = runner.load()
    stack = None
    if args.url:
        send, database = _rest_sender(args.url), args.database
    else:
        from bot.modelcache import ensure_model
        from tests.e2e.stack import start_stack

        stack = start_stack(Path(tempfile.mkdtemp(prefix="conversations-")), ensure_model())
        send, database = stack.say, stack.env["DATABASE_URL"]
    try:
        values = runner.demo_values(database) if database else {}
        results = [runner.run(c, send, values) for c in conversations]
    finally:
        if stack is not None:
            from tests.e2e.stack import stop_stack

            stop_stack(stack)
    for result in results:
        print(f"{'ok  ' if result.passed else 'FAIL'} {result.conversation.id}")
        if not result.passed and args.verbose:
            print("\n".join(f"    {f}" for f in result.failures))
            print("\n".join(result.transcript))
    print(runner.summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
