# Sourced by the set-up scripts: apt_install <why> <package>... installs Debian packages as root or with
# `sudo -n`. Returns 1, installing nothing, when there is no apt-get or no way to be root (the caller
# then says what to install); exits the script with apt-get's error when the install itself fails.
apt_install() {
  local why=$1 sudo
  shift
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$(id -u)" = "0" ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    return 1
  fi
  echo "==> Installing Debian's $* $why (about a minute)"
  local start
  start=$(date +%s)
  # A fresh machine's package lists may be missing or stale: update once and retry.
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; then
    $sudo apt-get update -q >/dev/null 2>&1 || true
    if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; then
      echo "ERROR: apt-get install $* failed (its message is above)" >&2
      exit 1
    fi
  fi
  echo "==> $* installed in $(( $(date +%s) - start )) s"
}
