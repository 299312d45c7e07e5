"""SUT adapters: how the harness starts, drives and inspects a system under test."""

from scenarios.sut.base import SutAdapter, SutConfig, make_adapter

__all__ = ["SutAdapter", "SutConfig", "make_adapter"]
