@handover
Feature: Handover from the bot to the contact centre
  The bot passes thread control to the contact centre when the user asks for a person; the
  contact centre routes the conversation to a team and an agent and answers as the new owner
  (spec §2.3, §3.7; SentiOne seed: target_app_id 256859710996832, routing after handover).

  @HOP-HAND-001 @HOP-HANDOVER-ACCEPT @HOP-ROUTE-MESSAGING @secondary
  Scenario: The bot hands the user over and the contact centre takes the conversation
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "I want to talk to an agent"
    Then the bot passes control of Anna's conversation to the contact centre
    And the contact centre owns Anna's conversation
    And the contact centre acknowledges every webhook

  @HOP-HAND-002 @HOP-HANDOVER-ACCEPT @secondary @cap-conversation @adapter-reported
  Scenario: A conversation handed over is routed to an agent and shows In progress
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "Can I speak to a human, please?"
    Then the contact centre owns Anna's conversation
    And the contact centre shows Anna's conversation in In progress
    And Anna's conversation is assigned to an agent
    And the contact centre shows Anna's conversation as handled by an agent

  @HOP-HAND-003 @HOP-HANDOVER-ACCEPT @secondary
  Scenario: The "Talk to an agent" button hands the user over
    Given a user "Anna"
    And Anna has been chatting with the bot
    When Anna taps the "Talk to an agent" button with payload "TALK_TO_AGENT"
    Then the bot passes control of Anna's conversation to the contact centre
    And the contact centre owns Anna's conversation
    And the contact centre acknowledges every webhook

  @HOP-HAND-004 @HOP-SEND-OWNER @HOP-ROUTE-MESSAGING @secondary @cap-reply
  Scenario: The agent's reply reaches the user once the contact centre owns the thread
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent replies "Hello Anna, how can I help?" to Anna
    Then the contact centre sends Anna "Hello Anna, how can I help?"
    And no message from the contact centre to Anna is rejected because another app owns the thread

  @HOP-HAND-005 @HOP-SEND-LEGACY-PARALLEL @legacy_hop @secondary @cap-reply
  Scenario: In legacy HOP the agent answers while the bot keeps the thread
    Given a user "Anna"
    And Anna has been chatting with the bot
    When the agent replies "An agent here: your parcel left yesterday." to Anna
    Then the contact centre sends Anna "An agent here: your parcel left yesterday."
    And the bot owns Anna's conversation

  @HOP-HAND-006 @HOP-SEND-OWNER @hop_v2 @conversation_routing @secondary @cap-reply
  Scenario: With exclusive sending the agent's reply first regains control from the bot
    Given a user "Anna"
    And Anna has been chatting with the bot
    When the agent replies "An agent here: your parcel left yesterday." to Anna
    Then the contact centre sends Anna "An agent here: your parcel left yesterday."
    And the contact centre took or requested control of Anna's conversation before replying
    And no message from the contact centre to Anna is rejected because another app owns the thread

  @HOP-HAND-007 @HOP-SEND-OWNER @legacy_hop @secondary @cap-reply
  Scenario: In legacy HOP with exclusive sending the agent requests control before replying
    Given the page only lets the thread owner send
    And a user "Anna"
    And Anna has been chatting with the bot
    When the agent replies "An agent here: let me check that." to Anna
    Then the contact centre sends Anna "An agent here: let me check that."
    And the contact centre took or requested control of Anna's conversation before replying

  @HOP-HAND-008 @HOP-TAKE-STOP @hop_v2 @conversation_routing @secondary @cap-reply
  Scenario: After the bot takes control back the contact centre does not send as the owner
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the bot takes back control of Anna's conversation
    And the agent replies "Are you still there?" to Anna
    Then no message from the contact centre to Anna is rejected because another app owns the thread

  @HOP-HAND-009 @HOP-TAKE-STOP @HOP-ROBUST-EVENTS @secondary @cap-conversation @adapter-reported
  Scenario: After the bot takes control back the conversation is shown as handled by the bot
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the bot takes back control of Anna's conversation
    Then the contact centre acknowledges every webhook
    And the contact centre shows Anna's conversation as handled by the bot

  @HOP-HAND-010 @HOP-SEND-OWNER @conversation_routing @secondary @cap-take
  Scenario: With the take toggle on, the agent takes a bot-handled conversation
    Given a user "Anna"
    And Anna has been chatting with the bot
    When the agent takes Anna's conversation
    Then the contact centre owns Anna's conversation
    And the bot receives a take_thread_control event for Anna

  @HOP-HAND-011 @HOP-ROBUST-EVENTS @legacy_hop @secondary
  Scenario: An app_roles event after the admin re-assigns the roles is acknowledged
    When the page admin assigns the handover roles again
    Then the contact centre receives an app_roles event
    And the contact centre acknowledges every webhook
