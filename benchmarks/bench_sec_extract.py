"""Extraction of real-sized filing documents: parse (full submission text or HTML -> plain text -> HSR events and
deal disclosures) against a bare baseline in the same run: the same tag-stripping regex and one keyword search per
document, the least work that reads every word of a document once.

Documents are derived from real samples: the whole Nvidia 8-K full submission, the whole Lisata SC 14D9, and the
8-K with one real labelled passage put into its body (so that extraction has events to find), in rotation.
Run: python benchmarks/bench_sec_extract.py [N]   (default 1,000 documents)
"""

from __future__ import annotations

import html
import re
import sys
import time
from pathlib import Path

from _machine import describe

from mergerwatch.sources.base import Payload
from mergerwatch.sources.sec_edgar import SecEdgar

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / "fixtures"


def documents(n: int) -> list[tuple[str, bytes]]:
    eight_k = (FX / "sec-edgar" / "sec_full_submission_8-K_nvidia_0001045810-26-000024.txt").read_bytes()
    sc14d9 = (FX / "texts" / "sec_sc14d9_lisata_therapeutics_2026-06.htm").read_bytes()
    import json

    passages = [json.loads(x)["text"] for x in (FX / "texts" / "sec_hsr_passages.real.labelled.half.jsonl").open()]
    docs = []
    for i in range(n):
        if i % 3 == 0:
            docs.append(("submission-text", eight_k))
        elif i % 3 == 1:
            docs.append(("document", sc14d9))
        else:
            p = passages[i % len(passages)].encode()
            docs.append(("submission-text", eight_k.replace(b"<TEXT>\n", b"<TEXT>\n<p>" + p + b"</p>\n", 1)))
    return docs


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    docs = documents(n)
    mb = sum(len(b) for _, b in docs) / 1e6
    src = SecEdgar()
    pat = re.compile(r"Hart-Scott-Rodino|HSR Act", re.I)
    t0 = time.perf_counter()
    tag = re.compile(r"<[^>]*>")
    for _kind, body in docs:
        pat.search(html.unescape(tag.sub(" ", body.decode("utf-8", errors="replace"))))
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    events = 0
    for kind, body in docs:
        res = src.parse(Payload("sec-edgar", "bench://x", body, kind=kind))
        events += sum(len(f.events) for f in res.filings)
    took = time.perf_counter() - t0
    print(describe())
    print(f"{n} documents, {mb:.0f} MB; {events} events found")
    print(f"baseline (strip tags + one regex): {base:.2f} s = {n / base:.0f} documents/s")
    print(f"sec-edgar parse: {took:.2f} s = {n / took:.0f} documents/s, {took / base:.2f}x the baseline")


if __name__ == "__main__":
    main()
