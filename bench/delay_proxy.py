"""A TCP relay on loopback that holds every chunk for a fixed time in each direction: a "remote" database.

    python bench/delay_proxy.py --listen 127.0.0.1:15432 --upstream 127.0.0.1:5432 --rtt-ms 20

Each chunk that arrives from one side is written to the other side rtt/2 after it arrived, in order, and a new
connection reaches the upstream one rtt after the client connected (a TCP handshake costs a round trip).
Bandwidth is not limited. The benchmark starts it (bench/servers.py) because `tc qdisc ... netem` needs the
sch_netem kernel module, which the sandbox this benchmark was written in does not have; where netem exists it
is the better tool.

Both ends must be loopback addresses: this relay is for benchmarks on one machine only.
"""

import argparse
import asyncio
import collections
import ipaddress
import signal
import socket

CLOSE = object()


class DelayedPipe:
    """The chunks one side sent, each written to the other side `delay` seconds after it arrived."""

    def __init__(self, loop: asyncio.AbstractEventLoop, delay: float) -> None:
        self.loop = loop
        self.delay = delay
        self.queue: collections.deque[tuple[float, object]] = collections.deque()  # (when, chunk or CLOSE)
        self.target: asyncio.Transport | None = None
        self.timer: asyncio.TimerHandle | None = None

    def push(self, chunk: object) -> None:
        self.queue.append((self.loop.time() + self.delay, chunk))
        self._schedule()

    def attach(self, transport: asyncio.Transport) -> None:
        self.target = transport
        self._schedule()

    def _schedule(self) -> None:
        if self.timer is None and self.target is not None and self.queue:
            self.timer = self.loop.call_at(self.queue[0][0], self._flush)

    def _flush(self) -> None:
        assert self.target is not None  # _schedule sets no timer without one
        self.timer = None
        now = self.loop.time()
        while self.queue and self.queue[0][0] <= now:
            _, chunk = self.queue.popleft()
            if chunk is CLOSE:
                self.queue.clear()
                self.target.close()
            elif isinstance(chunk, bytes) and not self.target.is_closing():
                self.target.write(chunk)
        self._schedule()


class End(asyncio.Protocol):
    """One socket of a relayed connection: what it receives goes into `outgoing`."""

    def __init__(self, outgoing: DelayedPipe) -> None:
        self.outgoing = outgoing
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)  # a TCP connection
        self.transport = transport
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.outgoing.push(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.outgoing.push(CLOSE)


class ClientEnd(End):
    """The application's side: opens the upstream connection one round trip later."""

    def __init__(self, loop: asyncio.AbstractEventLoop, upstream: tuple[str, int], rtt: float) -> None:
        self.loop = loop
        self.upstream = upstream
        self.rtt = rtt
        super().__init__(DelayedPipe(loop, rtt / 2))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        assert isinstance(transport, asyncio.Transport)
        self.loop.create_task(self._connect(transport))

    async def _connect(self, client: asyncio.Transport) -> None:
        back = DelayedPipe(self.loop, self.rtt / 2)
        back.attach(client)
        await asyncio.sleep(self.rtt)
        try:
            upstream, _ = await self.loop.create_connection(lambda: End(back), *self.upstream)
        except OSError:
            client.close()
            return
        self.outgoing.attach(upstream)


def loopback(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"{address}: only loopback addresses are allowed")
    return host, int(port)


async def serve(listen: tuple[str, int], upstream: tuple[str, int], rtt: float) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    server = await loop.create_server(lambda: ClientEnd(loop, upstream, rtt), *listen)
    print(
        f"relaying {listen[0]}:{listen[1]} -> {upstream[0]}:{upstream[1]} with {rtt * 1000:g} ms round trip"
    )
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="host:port to accept connections on")
    parser.add_argument("--upstream", required=True, help="host:port to relay them to")
    parser.add_argument("--rtt-ms", type=float, required=True, help="round trip time to add, in ms")
    args = parser.parse_args()
    asyncio.run(serve(loopback(args.listen), loopback(args.upstream), args.rtt_ms / 1000))


if __name__ == "__main__":
    main()
