#!/usr/bin/env bash
# Makes TorchSharp's native shim load on Linux systems whose libstdc++ predates GCC 13 (Debian 12 and the like).
#
#   torchsharp-native.sh NATIVE_DIR WORK_DIR
#
# NATIVE_DIR holds the build's copy of libLibTorchSharp.so; WORK_DIR is where the compiled helpers are cached.
# libLibTorchSharp.so asks for GLIBCXX_3.4.32 for one symbol only, std::ios_base_library_init(). Where the system
# libstdc++ lacks that version, this script (1) compiles libglibcxx_compat.so, which defines the symbol under that
# version, into NATIVE_DIR, and (2) replaces NATIVE_DIR/libLibTorchSharp.so by a copy whose requirement of
# GLIBCXX_3.4.32 is weak. LabelFree.Core loads the compat library globally before TorchSharp starts.
# Idempotent; never writes into the NuGet cache (the build's copy may be a hard link to it, so the patched copy is
# renamed over it rather than written through it). Records the path taken in NATIVE_DIR/labelfree-native.txt.
# On failure prints one line and exits 1.
set -euo pipefail

native_dir=$1
work_dir=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shim=$native_dir/libLibTorchSharp.so
marker=$native_dir/labelfree-native.txt
version=GLIBCXX_3.4.32

[ -f "$shim" ] || exit 0
[ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] || exit 0

write_marker() {
  local tmp
  tmp=$(mktemp "$native_dir/.labelfree-native.XXXXXX")
  echo "$1" >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$marker"
}

system_libstdcxx=$( (/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null) | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [ -n "$system_libstdcxx" ] && grep -qa "$version" "$system_libstdcxx"; then
  rm -f "$native_dir/libglibcxx_compat.so"
  write_marker "not needed: the system libstdc++ ($system_libstdcxx) provides $version"
  exit 0
fi

if ! command -v g++ >/dev/null 2>&1; then
  echo "g++ is needed to make TorchSharp load on this system (its libstdc++ lacks $version); install it with: sudo apt-get install g++"
  exit 1
fi

mkdir -p "$work_dir"
# Several projects of one build run this at once; one compiles, the others wait for it.
exec 9>"$work_dir/.lock"
flock 9

compat=$work_dir/libglibcxx_compat.so
weaken=$work_dir/weaken_verneed
if [ ! -f "$compat" ] || [ "$here/glibcxx_compat.cpp" -nt "$compat" ] || [ "$here/glibcxx_compat.map" -nt "$compat" ]; then
  g++ -O2 -shared -fPIC -o "$compat.tmp" "$here/glibcxx_compat.cpp" -Wl,--version-script="$here/glibcxx_compat.map"
  mv -f "$compat.tmp" "$compat"
fi
if [ ! -f "$weaken" ] || [ "$here/weaken_verneed.cpp" -nt "$weaken" ]; then
  g++ -O2 -std=c++17 -o "$weaken.tmp" "$here/weaken_verneed.cpp"
  mv -f "$weaken.tmp" "$weaken"
fi

patched=$(mktemp "$native_dir/.libLibTorchSharp.XXXXXX")
if ! "$weaken" "$shim" "$patched" "$version" 2>"$patched.err"; then
  rc=$?
  if [ "$rc" = 3 ]; then  # a TorchSharp build that does not need the fix
    rm -f "$patched" "$patched.err" "$native_dir/libglibcxx_compat.so"
    write_marker "not needed: libLibTorchSharp.so does not require $version"
    exit 0
  fi
  cat "$patched.err"
  rm -f "$patched" "$patched.err"
  exit 1
fi
rm -f "$patched.err"
if cmp -s "$patched" "$shim"; then
  rm -f "$patched"          # already patched: leave the file and its time stamp alone
else
  chmod 755 "$patched"
  mv -f "$patched" "$shim"  # a rename: a hard link into the NuGet cache is replaced, never written through
fi
cmp -s "$compat" "$native_dir/libglibcxx_compat.so" 2>/dev/null || { cp -f "$compat" "$native_dir/libglibcxx_compat.so.tmp" && mv -f "$native_dir/libglibcxx_compat.so.tmp" "$native_dir/libglibcxx_compat.so"; }
write_marker "patched: the system libstdc++ lacks $version; libLibTorchSharp.so requires it weakly and libglibcxx_compat.so provides it"
