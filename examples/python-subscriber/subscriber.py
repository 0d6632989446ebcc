#!/usr/bin/env python3
"""A Gongzhi event consumer in Python, using nothing of Gongzhi but its
published contract (docs/asyncapi.yaml, crates/bus/README.md) and the
protobuf classes generated from proto/.

It binds a durable pull consumer on a context's JetStream stream, fetches
events with explicit ack, checks the CloudEvents headers of each one,
decodes the payload by its `ce-type` and prints one JSON object per event.

    python -m grpc_tools.protoc -I ../../proto --python_out=gen \
        $(find ../../proto -name '*.proto')
    python subscriber.py --context platform --durable my-app --count 2

Exit status: 0 when `--count` events were received and all were valid,
1 when a header or payload was wrong, 2 when fewer events arrived in time.
"""

import argparse
import asyncio
import importlib
import json
import pathlib
import re
import sys
import uuid
from datetime import datetime

import nats
from google.protobuf import json_format, message_factory, symbol_database
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

GEN = pathlib.Path(__file__).resolve().parent / "gen"

REQUIRED_HEADERS = [
    "Nats-Msg-Id", "ce-specversion", "ce-id", "ce-source", "ce-type",
    "ce-subject", "ce-time", "ce-datacontenttype", "content-type",
    "ce-dataschema", "gongzhi-stream-revision", "gongzhi-position",
    "gongzhi-correlation-id", "gongzhi-actor", "gongzhi-schema-version",
]
TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


def load_generated_classes():
    """Imports every generated *_pb2 module so the default descriptor pool
    knows every Gongzhi message by its full name."""
    sys.path.insert(0, str(GEN))
    modules = sorted(GEN.rglob("*_pb2.py"))
    if not modules:
        raise SystemExit(f"no generated classes under {GEN}; run grpc_tools.protoc first")
    for path in modules:
        importlib.import_module(".".join(path.relative_to(GEN).with_suffix("").parts))


def message_class(full_name):
    descriptor = symbol_database.Default().pool.FindMessageTypeByName(full_name)
    return message_factory.GetMessageClass(descriptor)


def check(msg, prefix, context):
    """The CloudEvents binary-mode headers as crates/bus writes them; returns
    the problems found (empty when the event is valid)."""
    headers = msg.headers or {}
    problems = [f"missing header {name}" for name in REQUIRED_HEADERS if not headers.get(name)]
    if problems:
        return problems
    event_id = headers["ce-id"]
    full_type = headers["ce-type"]
    expect = {
        "ce-specversion": "1.0",
        "Nats-Msg-Id": event_id,
        "ce-source": f"/gongzhi/{context}",
        "ce-datacontenttype": "application/protobuf",
        "content-type": "application/protobuf",
        "ce-dataschema": f"proto:{full_type}",
    }
    problems += [
        f"{name} is {headers[name]!r}, expected {value!r}"
        for name, value in expect.items() if headers[name] != value
    ]
    try:
        uuid.UUID(event_id)
        uuid.UUID(headers["gongzhi-correlation-id"])
        datetime.fromisoformat(headers["ce-time"].replace("Z", "+00:00"))
        int(headers["gongzhi-position"])
        int(headers["gongzhi-stream-revision"])
        int(headers["gongzhi-schema-version"])
    except ValueError as error:
        problems.append(f"malformed header value: {error}")
    if not full_type.startswith(f"gongzhi.{context}.v1."):
        problems.append(f"ce-type {full_type} is not of context {context}")
    # Subject: <prefix>.<ctx>.<district>.<aggregate>.<EventType>
    tokens = msg.subject.split(".")
    district = headers.get("gongzhi-district") or "city"
    aggregate = headers["ce-subject"].split("-", 1)[0]
    expected_subject = [prefix, context, district, aggregate, full_type.rsplit(".", 1)[-1]]
    if tokens != expected_subject:
        problems.append(f"subject {msg.subject} does not follow {'.'.join(expected_subject)}")
    traceparent = headers.get("traceparent")
    if traceparent is not None and not TRACEPARENT.match(traceparent):
        problems.append(f"traceparent {traceparent!r} is not W3C trace context")
    return problems


async def consume(args):
    load_generated_classes()
    nc = await nats.connect(args.server)
    try:
        js = nc.jetstream()
        stream = f"{args.prefix.upper()}_{args.context.upper()}"
        # The relay creates the stream when the service starts.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + args.timeout
        while True:
            try:
                await js.stream_info(stream)
                break
            except NotFoundError:
                if loop.time() > deadline:
                    print(f"stream {stream} does not exist", file=sys.stderr)
                    return 2
                await asyncio.sleep(0.2)
        subscription = await js.pull_subscribe(
            f"{args.prefix}.{args.context}.>",
            durable=args.durable,
            stream=stream,
            config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                max_deliver=5,
            ),
        )
        received, failed = 0, False
        while received < args.count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                batch = await subscription.fetch(args.count - received, timeout=min(remaining, 5))
            except nats.errors.TimeoutError:
                continue
            for msg in batch:
                received += 1
                problems = check(msg, args.prefix, args.context)
                event = {"subject": msg.subject}
                if not problems:
                    try:
                        payload = message_class(msg.headers["ce-type"]).FromString(msg.data)
                        event.update(
                            type=msg.headers["ce-type"],
                            id=msg.headers["ce-id"],
                            stream=msg.headers["ce-subject"],
                            position=int(msg.headers["gongzhi-position"]),
                            payload=json_format.MessageToDict(
                                payload, preserving_proto_field_name=True
                            ),
                        )
                    except Exception as error:  # unknown type or bad bytes
                        problems.append(f"payload does not decode: {error}")
                if problems:
                    failed = True
                    event["problems"] = problems
                    # Poison for us: let JetStream stop redelivering it.
                    await msg.term()
                else:
                    await msg.ack_sync()
                print(json.dumps(event, ensure_ascii=False), flush=True)
        if failed:
            return 1
        if received < args.count:
            print(f"received {received} of {args.count} events", file=sys.stderr)
            return 2
        return 0
    finally:
        await nc.drain()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="nats://127.0.0.1:4222")
    parser.add_argument("--prefix", default="gongzhi", help="first subject token")
    parser.add_argument("--context", required=True, help="bounded context, e.g. platform")
    parser.add_argument("--durable", required=True, help="durable consumer name")
    parser.add_argument("--count", type=int, default=1, help="events to receive, then exit")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait in all")
    sys.exit(asyncio.run(consume(parser.parse_args())))


if __name__ == "__main__":
    main()
