"""Peak memory of one command, whatever a server or a file sends (issue 35): each case runs in a child process whose
peak resident size (its own and its workers', os.wait4) is reported against a bare baseline measured the same way
in the same run (a Python that imports mergerwatch's sources and opens a store).

Server cases run a source's real fetch and store code (refresh_source) in the child against a loopback server in
this process, under the rule of the source's real host (its body cap and deadline): a gzip bomb (2 GB of zeros,
2 MB on the wire), a 300 MB plain body, and for the Commission a dump of 12,000 cases built from the real rows
(fixtures/texts/ec_case-data-M.real-flattened-rows.half.csv, renumbered), gzip-encoded as S3 may send it. File
cases run the installed command: `ingest` and `parse` of a 300 MB file for every source, `ingest` of the 12,000-case
dump, `refresh --replay` of recorded bombs, and the recording transport over a bomb. The French decisions file (about
210 MB today) is rebuilt at its size from its three real records (fixtures/adlc-mergers/): 6,683 records, three in
five of them merger decisions, each decision's text repeated to the file's average record size (31 KB), and read by
`refresh` (from loopback, spooled to disk), `ingest` and `parse`.

Run: python benchmarks/bench_memory.py [--quick]   (--quick: fewer sources)
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from _machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
MB = 1024 * 1024
LIMIT_MB = 300


def _bomb(size: int = 2048 * MB) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * MB
    parts = [c.compress(zeros) for _ in range(size // MB)]
    return b"".join(parts) + c.flush()


def _dump_12k() -> bytes:
    """A dump of 12,000 cases: the real rows' cases, renumbered past their own, in the dump's shape."""
    from derive_ec_real_dump import dump_from_rows

    real = dump_from_rows(ROOT / "fixtures" / "texts" / "ec_case-data-M.real-flattened-rows.half.csv")
    cases = list(real.values())
    out = {}
    for i in range(12_000):
        case = json.loads(json.dumps(cases[i % len(cases)]))
        case["metadata"]["caseNumber"] = [f"M.{20000 + i}"]
        out[f"M.{20000 + i}"] = case
    return json.dumps(out).encode()


class _Server:
    """Loopback answers streamed from files (or made up as they go): this process stays small, since a child's
    peak resident size counts the pages it shared with its parent before it ran its own program."""

    def __init__(self, bodies: dict[str, tuple[Path | int, str]]) -> None:
        self.bodies = bodies  # path -> (a file, or a length of b"x" to stream; content-encoding)

        srv = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                body, enc = srv.bodies.get(self.path.split("?")[0], (0, ""))
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/json")
                if enc:
                    self.send_header("Content-Encoding", enc)
                length = body if isinstance(body, int) else body.stat().st_size
                self.send_header("Content-Length", str(length))
                self.end_headers()
                try:
                    if isinstance(body, int):
                        chunk = b"x" * MB
                        for _ in range(body // MB):
                            self.wfile.write(chunk)
                    else:
                        with open(body, "rb") as fh:
                            while part := fh.read(MB):
                                self.wfile.write(part)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# source -> (the code that builds it on a base URL, its real host whose rule applies, the path its first request asks)
SOURCES = {
    "ec-mergers": ("EcMergers(dump_url=u + '/dump', search_url=u + '/search')",
                   "compcases-open-data-portal-files-prod.s3.eu-west-1.amazonaws.com", "/dump"),
    "ftc-press": ("FtcPress(feed_url=u + '/dump')", "www.ftc.gov", "/dump"),
    "ftc-early-termination": ("FtcEarlyTermination(api_url=u + '/dump', rss_url=u + '/dump')", "api.ftc.gov", "/dump"),
    "federal-register": ("FederalRegister(api_url=u + '/dump')", "www.federalregister.gov", "/dump"),
    "cma-mergers": ("CmaMergers(search_url=u + '/dump', content_url=u + '/content')", "www.gov.uk", "/dump"),
    "doj-press": ("DojPress(api_url=u + '/dump')", "www.justice.gov", "/dump"),
}  # fmt: skip
IMPORTS = {
    "ec-mergers": "from mergerwatch.sources.ec_mergers import EcMergers",
    "ftc-press": "from mergerwatch.sources.ftc_press import FtcPress",
    "ftc-early-termination": "from mergerwatch.sources.ftc_early_termination import FtcEarlyTermination",
    "federal-register": "from mergerwatch.sources.federal_register import FederalRegister",
    "cma-mergers": "from mergerwatch.sources.cma_mergers import CmaMergers",
    "doj-press": "from mergerwatch.sources.doj_press import DojPress",
}

CHILD = """
import sys, time
from mergerwatch.fetch.client import Client
from mergerwatch.ingest.refresh import keep_failed_body, refresh_source, _current
from mergerwatch.sources import get_source
from mergerwatch.sources.base import FetchContext
from mergerwatch.store.write.store import Store
{imp}
u, db, name, host, record = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
rule = get_source(name).host_rules[host]
store = Store(db)
transport = None
if record:
    from mergerwatch.fetch.transports import RecordingTransport
    transport = RecordingTransport(record)
client = Client("bench@example.org", rules={{"127.0.0.1": rule}}, sleep=lambda s: None, validators=store,
                transport=transport)
client.on_failed_body = lambda url, status, body, msg: keep_failed_body(store, url, status, body, msg)
_current.source = name
res = refresh_source(store, {make}, FetchContext(client=client, state=store), "2026-12-07T00:00:00+00:00")
print(res.ok, res.records, "; ".join(res.errors)[:160])
"""


def peak(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """The child's peak resident size in MB (its own and its waited-for workers'), and its last output line."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        _pid, _status, usage = os.wait4(proc.pid, 0)
        out.seek(0)
        text = out.read().decode(errors="replace").strip().splitlines()
    return usage.ru_maxrss / 1024, (text[-1] if text else "")[:150]


def main() -> None:
    quick = "--quick" in sys.argv
    work = Path(tempfile.mkdtemp(prefix="mw-mem-"))
    py = sys.executable
    mw = str(Path(py).with_name("mergerwatch"))
    print(describe())
    base, _ = peak(
        [
            py,
            "-c",
            "import mergerwatch.sources, mergerwatch.store.write.store as s; s.Store("
            + repr(str(work / "base.db"))
            + ")",
        ]
    )
    print(f"baseline (import the sources, open a store): {base:.0f} MB; limit {LIMIT_MB} MB\n")
    # made in a child, written to files: this process never holds them (see _Server)
    subprocess.run([py, __file__, "--make", str(work)], check=True)
    bomb, dump_gz, dump_file = work / "bomb.gz", work / "dump-12000.json.gz", work / "dump-12000.json"
    rows: list[tuple[str, float, str]] = []
    names = ["ec-mergers", "ftc-press"] if quick else list(SOURCES)
    for case, body, enc in (("gzip bomb", bomb, "gzip"), ("300 MB body", 300 * MB, ""),
                            ("12,000-case dump, gzip", dump_gz, "gzip")):  # fmt: skip
        srv = _Server({"/dump": (body, enc)})
        try:
            for name in names:
                if case.startswith("12,000") and name != "ec-mergers":
                    continue
                make, host, _path = SOURCES[name]
                code = CHILD.format(imp=IMPORTS[name], make=make.replace("u +", "u +"))
                db = str(work / f"{name}-{len(rows)}.db")
                mb, said = peak([py, "-c", code, srv.url, db, name, host, ""])
                rows.append((f"refresh {name}: {case}", mb, said))
                print(f"{rows[-1][0]:55} {mb:6.0f} MB  {said}")
        finally:
            srv.close()
    # the recording transport over a bomb (the body kept as it came, decoded within the cap)
    srv = _Server({"/dump": (bomb, "gzip")})
    try:
        make, host, _ = SOURCES["ftc-press"]
        code = CHILD.format(imp=IMPORTS["ftc-press"], make=make)
        mb, said = peak([py, "-c", code, srv.url, str(work / "rec.db"), "ftc-press", host, str(work / "rec")])
        rows.append(("refresh --record ftc-press: gzip bomb", mb, said))
        print(f"{rows[-1][0]:55} {mb:6.0f} MB  {said}")
    finally:
        srv.close()
    # the installed command over files: 300 MB files, the 12,000-case dump, replayed bombs
    big = work / "big.json"
    with open(big, "wb") as fh:
        fh.write(b'{"data": ["')
        for _ in range(300):
            fh.write(b"x" * MB)
        fh.write(b'"]}')
    for name in names:
        for verb in ("ingest", "parse"):
            args = [mw, "--db", str(work / f"f-{name}.db"), verb, name, str(big)] if verb == "ingest" else [
                mw, verb, name, str(big)]  # fmt: skip
            mb, said = peak(args)
            rows.append((f"{verb} {name}: a 300 MB file", mb, said))
            print(f"{rows[-1][0]:55} {mb:6.0f} MB  {said}")
    # the French decisions file: fetched (metadata, then the file spooled to disk), ingested, parsed
    french = work / "decisions-fr.json"
    meta = work / "metadata.json"
    srv = _Server({"/data/decisions.json": (french, ""), "/api/": (meta, "")})
    try:
        meta.write_text(json.dumps({"resources": [{"format": "json", "title": "decisions.json",
                                                   "filesize": french.stat().st_size,
                                                   "url": srv.url + "/data/decisions.json"}]}))  # fmt: skip
        code = CHILD.format(imp="from mergerwatch.sources.adlc_mergers import AdlcMergers",
                            make="AdlcMergers(dataset_api=u + '/api/', file_origins=(u,))")  # fmt: skip
        mb, said = peak([py, "-c", code, srv.url, str(work / "fr.db"), "adlc-mergers", "static.data.gouv.fr", ""])
        rows.append((f"refresh adlc-mergers: the {french.stat().st_size // MB} MB decisions file", mb, said))
        print(f"{rows[-1][0]:55} {mb:6.0f} MB  {said}")
    finally:
        srv.close()
    for verb in ("ingest", "parse"):
        args = [mw, "--db", str(work / "fr-file.db"), verb, "adlc-mergers", str(french)] if verb == "ingest" else [
            mw, verb, "adlc-mergers", str(french), "--json"]  # fmt: skip
        mb, said = peak(args)
        said = said if verb == "ingest" else "(its records printed as JSON)"
        rows.append((f"{verb} adlc-mergers: the decisions file", mb, said))
        print(f"{rows[-1][0]:55} {mb:6.0f} MB  {said}")
    mb, said = peak([mw, "--db", str(work / "dump.db"), "ingest", "ec-mergers", str(dump_file)])
    rows.append(("ingest ec-mergers: the 12,000-case dump", mb, said))
    print(f"{rows[-1][0]:55} {mb:6.0f} MB  {said}")
    from mergerwatch.fetch.transports import save_recording
    from mergerwatch.sources.ec_mergers import DUMP_URL
    from mergerwatch.sources.ftc_press import FEED_URL

    rec = work / "replay"
    for url in (DUMP_URL, FEED_URL):
        save_recording(rec, "GET", url, 200, {"content-type": "application/json", "content-encoding": "gzip"},
                       bomb.read_bytes())  # fmt: skip
    mb, said = peak([mw, "--db", str(work / "replay.db"), "refresh", "--replay", str(rec), "--source", "ec-mergers",
                     "--source", "ftc-press"], env={"MERGERWATCH_CONTACT": "bench@example.org"})  # fmt: skip
    rows.append(("refresh --replay: recorded bombs (EC dump, FTC feed)", mb, said))
    print(f"{rows[-1][0]:55} {mb:6.0f} MB  {said}")
    worst = max(rows, key=lambda r: r[1])
    print(f"\nworst: {worst[0]}: {worst[1]:.0f} MB ({worst[1] / base:.1f}x the baseline); limit {LIMIT_MB} MB: "
          f"{'held' if worst[1] <= LIMIT_MB else 'EXCEEDED'}")  # fmt: skip


def _french_file(path: Path, records: int = 6683, size: int = 31 * 1024) -> None:
    """The decisions file at its real size and count, from its three real records (written as it is made)."""
    real = json.loads((ROOT / "fixtures" / "adlc-mergers" / "decisions_3-records.unwrapped.json").read_text())
    dcc, others = real[1], [real[0], real[2]]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[")
        for i in range(records):
            rec = dict(dcc if i % 5 < 3 else others[i % 2])
            rec["url_site"] = f"{rec['url_site']}-{i}"
            text = rec["texte_complet_decision"]
            rec["texte_complet_decision"] = (text * (size // len(text) + 1))[:size]
            fh.write(("," if i else "") + json.dumps(rec, ensure_ascii=False))
        fh.write("]")


def make(work: Path) -> None:
    _french_file(work / "decisions-fr.json")
    (work / "bomb.gz").write_bytes(_bomb())
    dump = _dump_12k()
    (work / "dump-12000.json").write_bytes(dump)
    (work / "dump-12000.json.gz").write_bytes(gzip.compress(dump, 6))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make"]:
        make(Path(sys.argv[2]))
    else:
        main()
