#!/bin/sh
echo planted
