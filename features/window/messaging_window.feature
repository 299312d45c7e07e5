@window
Feature: The messaging window and message tags
  A reply within 24 hours of the user's last message is a normal RESPONSE; from 24 hours up to
  7 days a human agent's reply needs messaging_type MESSAGE_TAG with tag HUMAN_AGENT; the
  ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE and POST_PURCHASE_UPDATE tags are rejected since
  2026-04-27 (spec §5.1, §5.2, §6.16).

  @HOP-WIN-001 @HOP-WINDOW-RESPONSE @secondary @cap-reply
  Scenario: A reply inside the 24-hour window is a RESPONSE without a tag
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When 2 hours pass
    And the agent replies "Your refund was approved." to Anna
    Then the contact centre sends Anna "Your refund was approved."
    And the contact centre's message to Anna is sent as a RESPONSE without a tag

  @HOP-WIN-002 @HOP-WINDOW-HUMAN-AGENT @secondary @cap-reply
  Scenario: A reply 25 hours later carries the HUMAN_AGENT tag
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When 25 hours pass
    And the agent replies "Sorry for the wait: your refund was approved." to Anna
    Then the contact centre sends Anna "Sorry for the wait: your refund was approved."
    And the contact centre's message to Anna is sent with the HUMAN_AGENT tag

  @HOP-WIN-003 @HOP-TAG-DEPRECATED @HOP-WINDOW-HUMAN-AGENT @secondary @cap-reply
  Scenario: A late reply never falls back to a deprecated tag
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When 3 days pass
    And the agent replies "We found your parcel." to Anna
    Then the contact centre sends Anna "We found your parcel."
    And the contact centre uses no deprecated message tag for Anna

  @HOP-WIN-004 @HOP-WINDOW-HUMAN-AGENT @secondary @cap-reply
  Scenario: No message is sent outside the 7-day HUMAN_AGENT window
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When 8 days pass
    And the agent tries to reply "Hello again" to Anna
    Then no message from the contact centre to Anna is rejected as outside the window

  @HOP-WIN-005 @HOP-EXPIRY-REGAIN @hop_v2 @conversation_routing @secondary @cap-reply
  Scenario: After control expired to idle, the agent's reply regains control first
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When 25 hours pass
    And Anna writes "Hello? Is anybody there?"
    And the agent replies "Yes, sorry for the wait." to Anna
    Then the contact centre sends Anna "Yes, sorry for the wait."
    And no message from the contact centre to Anna is rejected because another app owns the thread

  @HOP-WIN-006 @HOP-EXPIRY-REGAIN @hop_v2 @conversation_routing @secondary
  Scenario: After control expired, the user's next message goes to the bot and the contact centre stays silent
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When 25 hours pass
    And Anna writes "Hello? Is anybody there?"
    Then the bot sends Anna a message
    And the contact centre receives Anna's message on the standby channel
    And the contact centre sends nothing to Anna
