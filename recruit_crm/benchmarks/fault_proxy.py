"""A loopback TCP proxy that injects network faults: the fault tests put it between the sending
worker and its SMTP server, or its MariaDB server.

`with FaultProxy(target_port) as proxy:` listens on 127.0.0.1:`proxy.port` and forwards each
connection to the target. From any thread it can be told to

- `refuse(seconds)`: close each new connection as soon as it is accepted (with a reset), for
  `seconds` or until `resume()`: the server is down;
- `cut()`: reset every live connection now, on both sides: the network dropped;
- `resume()`: accept and forward again.

It counts the sessions it forwarded (`accepted`), closed at accept (`refused`) and reset
while live (`cut`). Standard library only, one thread per session.
"""

import contextlib
import select
import socket
import struct
import threading
import time

_CHUNK = 65536
_RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST, not FIN


def _reset(sock: socket.socket) -> None:
	"""Close `sock` abruptly (RST), waking any thread blocked on it."""
	with contextlib.suppress(OSError):
		sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
	with contextlib.suppress(OSError):
		sock.shutdown(socket.SHUT_RDWR)


class _Session:
	def __init__(self, client: socket.socket, upstream: socket.socket):
		self.client = client
		self.upstream = upstream
		self.cut = False

	def pump(self, on_end) -> None:
		"""Copy bytes both ways until either side closes or the session is cut."""
		peers = {self.client: self.upstream, self.upstream: self.client}
		try:
			while not self.cut:
				readable, _w, _x = select.select(list(peers), [], [], 0.5)
				for sock in readable:
					data = sock.recv(_CHUNK)
					if not data or self.cut:
						return
					peers[sock].sendall(data)
		except OSError:
			return
		finally:
			for sock in (self.client, self.upstream):
				if self.cut:
					_reset(sock)
				with contextlib.suppress(OSError):
					sock.close()
			on_end(self)


class FaultProxy:
	"""A TCP proxy on loopback to `target_host:target_port` whose faults the caller controls."""

	def __init__(
		self, target_port: int, target_host: str = "127.0.0.1", port: int = 0, host: str = "127.0.0.1"
	):
		self.target = (target_host, target_port)
		self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
		self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		self.listener.bind((host, port))
		self.listener.listen(128)
		self.listener.settimeout(0.2)
		self.host, self.port = self.listener.getsockname()
		self.lock = threading.Lock()
		self.sessions: set[_Session] = set()
		self.refusing_until: float | None = None  # monotonic time; inf: until resume()
		self.accepted = 0
		self.refused = 0
		self.cut_count = 0
		self.cut_events: list[float] = []  # monotonic times of cuts that reset at least one session
		self._stopping = threading.Event()
		self._thread = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)

	# control ---------------------------------------------------------------------------------
	def start(self) -> "FaultProxy":
		self._thread.start()
		return self

	def stop(self) -> None:
		self._stopping.set()
		self._thread.join(timeout=5)
		self.cut()
		with contextlib.suppress(OSError):
			self.listener.close()

	def __enter__(self) -> "FaultProxy":
		return self.start()

	def __exit__(self, *exc) -> None:
		self.stop()

	def refuse(self, seconds: float | None = None) -> None:
		"""Close new connections at accept for `seconds` (None: until `resume()`)."""
		with self.lock:
			self.refusing_until = time.monotonic() + seconds if seconds is not None else float("inf")

	def resume(self) -> None:
		with self.lock:
			self.refusing_until = None

	def cut(self) -> int:
		"""Reset every live session on both sides now; returns how many were cut."""
		with self.lock:
			victims = list(self.sessions)
			self.sessions.clear()
			for session in victims:
				session.cut = True
			self.cut_count += len(victims)
			if victims:
				self.cut_events.append(time.monotonic())
		for session in victims:
			_reset(session.client)
			_reset(session.upstream)
		return len(victims)

	def outage(self, seconds: float) -> int:
		"""The server goes away for `seconds`: live sessions are cut and new ones refused."""
		self.refuse(seconds)
		return self.cut()

	@property
	def refusing(self) -> bool:
		with self.lock:
			return self.refusing_until is not None and time.monotonic() < self.refusing_until

	@property
	def live(self) -> int:
		with self.lock:
			return len(self.sessions)

	def stats(self) -> dict:
		with self.lock:
			return {
				"accepted": self.accepted,
				"refused": self.refused,
				"cut": self.cut_count,
				"cuts": len(self.cut_events),
				"live": len(self.sessions),
			}

	# forwarding ------------------------------------------------------------------------------
	def _accept_loop(self) -> None:
		while not self._stopping.is_set():
			try:
				client, _address = self.listener.accept()
			except TimeoutError:
				continue
			except OSError:
				return
			client.settimeout(None)
			if self.refusing:
				with self.lock:
					self.refused += 1
				_reset(client)
				client.close()
				continue
			try:
				upstream = socket.create_connection(self.target, timeout=5)
				upstream.settimeout(None)
			except OSError:
				with self.lock:
					self.refused += 1
				_reset(client)
				client.close()
				continue
			for sock in (client, upstream):
				sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
			session = _Session(client, upstream)
			with self.lock:
				self.accepted += 1
				self.sessions.add(session)
			threading.Thread(target=session.pump, args=(self._ended,), daemon=True).start()

	def _ended(self, session: _Session) -> None:
		with self.lock:
			self.sessions.discard(session)
