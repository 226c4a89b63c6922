#!/usr/bin/env bash
# Run HERE (no GPU needed): publishes labelfree and packs a .NET runtime into .device/ (git-ignored), so that
# bench/gpu/run.sh can run on a CUDA machine that has PyTorch but no .NET and no network.
#   bench/gpu/prepare.sh        then carry .device to the GPU machine and run bench/gpu/run.sh there
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$root/.device
rm -rf "$out" && mkdir -p "$out"
dotnet publish "$root/src/LabelFree.Cli/LabelFree.Cli.csproj" -c Release -o "$out/labelfree" -nologo -v quiet
# The GPU machine uses PyTorch's own CUDA libtorch; drop the CPU LibTorch and other platforms' assets.
find "$out/labelfree/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
find "$out/labelfree/runtimes/linux-x64/native" -type f \( -name 'libtorch*' -o -name 'libc10*' -o -name 'libgomp*' \
  -o -name 'libshm*' -o -name 'lib*backend*' -o -name 'libaoti*' -o -name 'libnnapi*' \) -delete
(cd /usr/share/dotnet 2>/dev/null || cd "$(dirname "$(readlink -f "$(command -v dotnet)")")"; \
  XZ_OPT=-9 tar -cJf "$out/dotnet.tar.xz" dotnet host shared/Microsoft.NETCore.App)
# The device tool carries at most 64 MiB with the working tree (data/ is about 17 MiB of it).
du -sh "$out"/* | sed 's/^/prepared: /'
