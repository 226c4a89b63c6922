#!/usr/bin/env bash
# Coverage-guided fuzzing of LabelFree's file readers: SharpFuzz instruments LabelFree's assemblies (and PureHDF's,
# which parses HDF5 for the h5ad reader) and AFL++ drives each target in fuzz/LabelFree.Fuzz/FuzzTargets.cs.
#   fuzz/run.sh [TARGET...]            every target (or the ones named) for EXECS executions each (default 1,000,000)
#   EXECS=20000 fuzz/run.sh nifti      a short run
# A finding is any exception other than LabelFree's one-line user error, a hang over TIMEOUT_MS (AFL's timeouts are
# replayed without AFL and count only if they still take that long: on a busy machine AFL also times out inputs that
# read in milliseconds), or a managed heap over the target's cap (DOTNET_GCHeapHardLimit, FuzzTarget.HeapCap). Corpora live in fuzz/corpus/TARGET (seed plus AFL's queue, minimised with
# afl-cmin); findings under artifacts/fuzz/findings/TARGET; the summary table is printed last and written to
# artifacts/fuzz/summary.tsv. Exit 1 if any target has a finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
execs=${EXECS:-1000000}
timeout_ms=${TIMEOUT_MS:-5000}
out=$root/artifacts/fuzz
export PATH="$PATH:$HOME/.dotnet/tools"

if ! command -v afl-fuzz >/dev/null; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++; fi
if ! command -v sharpfuzz >/dev/null; then dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0; fi

# Two copies: plain (seeding, listing, replaying findings) and instrumented (only valid under afl-fuzz, whose shared
# coverage map it writes to). The instrumented copy hard-links everything but the instrumented assemblies.
rm -rf "$out/plain" "$out/instrumented"
dotnet publish "$root/fuzz/LabelFree.Fuzz" -c Release -o "$out/plain" -v quiet -nologo
cp -al "$out/plain" "$out/instrumented"
for dll in LabelFree.Core.dll LabelFree.Data.dll PureHDF.dll; do
    cp --remove-destination "$out/plain/$dll" "$out/instrumented/$dll"
    sharpfuzz "$out/instrumented/$dll" >/dev/null
done
dotnet=$(readlink -f "$(command -v dotnet)")  # afl-cmin wants the binary's full path
harness=("$dotnet" "$out/plain/LabelFree.Fuzz.dll")
instrumented=("$dotnet" "$out/instrumented/LabelFree.Fuzz.dll")

declare -A caps
while IFS=$'\t' read -r name cap; do caps[$name]=$cap; done < <("${harness[@]}" list)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then mapfile -t targets < <(printf '%s\n' "${!caps[@]}" | sort); fi

printf 'target\texecutions\tseconds\texecs_per_s\tcorpus\tcrashes\thangs\n' > "$out/summary.tsv"
status=0
for target in "${targets[@]}"; do
    corpus=$root/fuzz/corpus/$target
    findings=$out/findings/$target
    if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then "${harness[@]}" seed "$target" "$corpus"; fi
    cap=${caps[$target]:?unknown target $target}
    rm -rf "$findings"; mkdir -p "$out/findings"
    echo "== $target: $execs executions" >&2
    start=$(date +%s)
    AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
        DOTNET_GCHeapHardLimit=$(printf '0x%x' $cap) DOTNET_TieredPGO=0 \
        afl-fuzz -i "$corpus" -o "$findings" -t "$timeout_ms" -m none -E "$execs" -- "${instrumented[@]}" fuzz "$target" > "$findings.log" 2>&1 || true
    seconds=$(( $(date +%s) - start ))
    stats=$findings/default/fuzzer_stats
    if [ ! -f "$stats" ]; then echo "$target: afl-fuzz did not start; see $findings.log" >&2; tail -5 "$findings.log" >&2; status=1; continue; fi
    get() { sed -n "s/^$1 *: *//p" "$stats"; }
    crashes=$(ls "$findings/default/crashes" 2>/dev/null | grep -vc README || true)
    hangs=0
    for f in "$findings"/default/hangs/id*; do
        [ -f "$f" ] || continue
        if timeout $((timeout_ms / 1000 + 1)) "${harness[@]}" replay "$target" "$f" >/dev/null 2>&1; then rm "$f"; else hangs=$((hangs + 1)); fi
    done
    # Keep the corpus small: AFL's queue minimised to the inputs that keep its coverage.
    rm -rf "$out/cmin-$target"
    AFL_SKIP_BIN_CHECK=1 afl-cmin -i "$findings/default/queue" -o "$out/cmin-$target" -t "$timeout_ms" -m none -- "${instrumented[@]}" fuzz "$target" >/dev/null 2>&1 || true
    if [ -n "$(ls -A "$out/cmin-$target" 2>/dev/null)" ]; then
        # Plain names (AFL's carry colons and commas): the content's hash.
        for f in "$out/cmin-$target"/*; do mv "$f" "$out/cmin-$target/$(sha1sum "$f" | cut -c1-16)"; done
        rm -rf "$corpus" && mv "$out/cmin-$target" "$corpus"
    fi
    "${harness[@]}" seed "$target" "$corpus"  # the valid seed stays, so replaying the corpus covers the reader's success path
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$(get execs_done)" "$seconds" "$(get execs_per_sec)" "$(ls "$corpus" | wc -l)" "$crashes" "$hangs" >> "$out/summary.tsv"
    if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
        status=1
        # Crashes become regression inputs (replayed by tests/LabelFree.Data.Tests/FuzzCorpusTests.cs once fixed);
        # hangs that reproduce without AFL go to fuzz/open-findings, which no test replays.
        mkdir -p "$root/fuzz/regressions/$target" "$root/fuzz/open-findings/$target"
        for f in "$findings"/default/crashes/id*; do [ -f "$f" ] && cp "$f" "$root/fuzz/regressions/$target/$(sha1sum "$f" | cut -c1-16)"; done
        for f in "$findings"/default/hangs/id*; do [ -f "$f" ] && cp "$f" "$root/fuzz/open-findings/$target/$(sha1sum "$f" | cut -c1-16)"; done
        timeout 60 "${harness[@]}" replay "$target" "$findings"/default/crashes/id* 2>/dev/null | grep FINDING | head -5 >&2 || true
    fi
done
column -t -s $'\t' "$out/summary.tsv"
exit $status
