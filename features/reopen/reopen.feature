@reopen
Feature: Reopening a closed conversation
  A conversation an agent closed appears again in the New tab when the same user writes again
  (SentiOne seed); where it goes next depends on whether it was passed back to the bot.

  @HOP-REOPEN-001 @HOP-REOPEN-NEW @secondary @cap-close @cap-conversation @adapter-reported
  Scenario: A conversation closed with pass-back reopens in New on the next message
    Given a user "Anna"
    And the contact centre has closed Anna's conversation and passed it back to the bot
    When Anna writes "Hi, me again"
    Then the contact centre shows Anna's conversation in New
    And Anna's conversation is not assigned to anyone

  @HOP-REOPEN-002 @HOP-REOPEN-NEW @secondary @cap-close @cap-conversation @adapter-reported
  Scenario: A conversation closed without pass-back leaves Closed on the next message
    Given a user "Anna"
    And the contact centre has closed Anna's conversation without passing it back to the bot
    When Anna writes "Hi, me again"
    Then the contact centre no longer shows Anna's conversation in Closed

  @HOP-REOPEN-003 @HOP-REOPEN-NEW @HOP-ROUTE-STANDBY-SILENT @secondary @cap-close
  Scenario: After a close with pass-back the reopened conversation is answered by the bot only
    Given a user "Anna"
    And the contact centre has closed Anna's conversation and passed it back to the bot
    When Anna writes "Where is my parcel?"
    Then the bot sends Anna a message
    And the contact centre sends nothing to Anna
    And the bot owns Anna's conversation

  @HOP-REOPEN-004 @HOP-REOPEN-NEW @HOP-CLOSE-KEEP @secondary @cap-close @cap-reply
  Scenario: After a close without pass-back the agent can answer the reopened conversation
    Given a user "Anna"
    And the contact centre has closed Anna's conversation without passing it back to the bot
    When Anna writes "I forgot one thing"
    And the agent replies "Sure, tell me." to Anna
    Then the contact centre sends Anna "Sure, tell me."
    And the bot sends nothing to Anna
