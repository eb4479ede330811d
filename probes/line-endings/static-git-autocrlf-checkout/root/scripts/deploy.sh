#!/bin/sh
set -eu
./build --release
