"""Webhook transport: Meta-style serialisation, signing, envelopes, delivery policy, dispatcher, handshake."""

from simulator.webhooks.directory import Directory, Endpoint, StaticDirectory
from simulator.webhooks.dispatcher import Dispatcher
from simulator.webhooks.envelope import events_of, make_body, make_entry
from simulator.webhooks.policy import DeliveryPolicy
from simulator.webhooks.serialize import meta_json
from simulator.webhooks.signing import sign, verify
from simulator.webhooks.verification import VerificationResult, verify_and_record, verify_webhook

__all__ = [
    "DeliveryPolicy", "Directory", "Dispatcher", "Endpoint", "StaticDirectory", "VerificationResult",
    "events_of", "make_body", "make_entry", "meta_json", "sign", "verify", "verify_and_record",
    "verify_webhook",
]
