# Sourced by the benchmark scripts that build against the system OpenSSL (bench-compare.sh,
# c-bench.sh): ensure_openssl_dev NAME makes sure pkg-config and the OpenSSL headers are there,
# installing them with apt-get when run as root, else explaining what to install and failing.
ensure_openssl_dev() {
  local name=$1 missing=()
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  if ! pkg-config --exists openssl 2>/dev/null; then missing+=(libssl-dev); fi
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$name: installing ${missing[*]} ..." >&2
    apt-get update -qq </dev/null >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null >&2
  else
    echo "$name: missing ${missing[*]}; install them (Debian: apt-get install libssl-dev pkg-config)" >&2
    return 1
  fi
}
