#!/usr/bin/env python3
"""Top frames of a dotnet-trace sampled-thread-time trace, waits left out.

dotnet-trace's `report topN` counts every thread's stack, so the thread pool's idle waits dominate it. This reads the
speedscope export of the same trace (`dotnet-trace convert --format Speedscope`), drops the samples whose leaf frame is a
wait (the thread was blocked, not working), and prints, over the remaining "busy" samples:
  - the top frames by exclusive (leaf) share,
  - the top frames by inclusive share,
  - optionally, for frames matching --focus (a substring), their callers, so a hot frame can be traced to our code.
Usage: trace-top.py <file.speedscope.json> [-n 25] [--focus Sqlite]
"""
import argparse
import collections
import json
import re

WAITS = re.compile(
    r"LowLevelLifoSemaphore\.WaitNative|Monitor\.Wait|WaitHandle\.WaitOne|Interop\+Sys\.Read\(|Thread\.Sleep|"
    r"LowLevelSpinWaiter\.Wait|SocketAsyncEngine\.EventLoop|Interop\+Sys\.WaitForSocketEvents|PollGCWorker|"
    r"ManualResetEventSlim\.Wait|SpinWait\.SpinOnce|Thread\.SpinWait|Interop\+Sys\.Poll|epoll_wait|WaitForSignal"
)

PSEUDO = {"CPU_TIME", "UNMANAGED_CODE_TIME", "?!?"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("-n", type=int, default=25)
    ap.add_argument("--focus", action="append", default=[])
    args = ap.parse_args()
    doc = json.load(open(args.file))
    frames = [f["name"] for f in doc["shared"]["frames"]]
    excl = collections.Counter()
    incl = collections.Counter()
    callers = collections.defaultdict(collections.Counter)
    busy = total = 0
    def stacks(prof):
        """(stack, weight) pairs of a profile, sampled or evented (dotnet-trace writes evented: open/close times)."""
        if prof["type"] == "sampled":
            yield from zip(prof["samples"], prof.get("weights", [1] * len(prof["samples"])))
            return
        stack, last = [], None
        for ev in prof["events"]:
            if last is not None and stack and ev["at"] > last:
                yield list(stack), ev["at"] - last
            last = ev["at"]
            if ev["type"] == "O":
                stack.append(ev["frame"])
            elif stack:
                stack.pop()

    for prof in doc["profiles"]:
        for stack, w in stacks(prof):
            total += w
            # The exporter ends each stack with a pseudo frame saying whether the thread ran managed code (CPU_TIME) or was
            # outside it (UNMANAGED_CODE_TIME: a wait, or native code such as SQLite): drop it and judge the real leaf.
            while stack and frames[stack[-1]] in PSEUDO:
                stack = stack[:-1]
            if not stack:
                continue
            leaf = frames[stack[-1]]
            if WAITS.search(leaf) or leaf.startswith("Thread (") or leaf.startswith("Process64"):
                continue
            busy += w
            excl[leaf] += w
            seen = set()
            for i in stack:
                name = frames[i]
                if name not in seen:
                    incl[name] += w
                    seen.add(name)
            for focus in args.focus:
                # the outermost frame matching the focus, then the nearest caller of it that is ours (Foundation) or,
                # failing that, its direct caller
                depth = next((d for d, i in enumerate(stack) if focus in frames[i]), None)
                if depth:
                    ours = next((frames[j] for j in reversed(stack[:depth]) if "Foundation" in frames[j]), frames[stack[depth - 1]])
                    callers[focus][ours] += w
    def short(name):
        return name if len(name) <= 110 else name[:107] + "..."
    print(f"busy samples: {busy:g} of {total:g} ({100 * busy / max(total, 1):.1f}%); shares below are of the busy samples")
    print(f"\n-- top {args.n} exclusive")
    for name, w in excl.most_common(args.n):
        print(f"{100 * w / busy:6.2f}%  {short(name)}")
    print(f"\n-- top {args.n} inclusive (thread roots and dispatch loops left in)")
    for name, w in incl.most_common(args.n):
        print(f"{100 * w / busy:6.2f}%  {short(name)}")
    for focus, counter in callers.items():
        print(f"\n-- where '{focus}' is called from (nearest Foundation frame)")
        for name, w in counter.most_common(12):
            print(f"{100 * w / busy:6.2f}%  {short(name)}")


if __name__ == "__main__":
    main()
