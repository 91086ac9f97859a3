#!/bin/bash
# Placeholder: CLI tests not written yet (skip).
exit 77
