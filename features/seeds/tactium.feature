@seeds
Feature: Tactium OMNI on the Messenger webhook (seed 002, Portuguese)
  Tactium registers its webhook with a fixed verify token, subscribes "messages", sends through
  /me/messages, exchanges images, videos, gifs, stickers and emojis, answers out of hours with a
  standard message, and concludes a conversation with a closing message.

  @HOP-TAC-001 @HOP-OUT-OF-HOURS @secondary @cap-opening_hours
  Scenario: A client writing outside opening hours gets the out-of-hours message once
    Given a user "João" who writes in Portuguese
    And it is outside the contact centre's opening hours
    And João has been handed over to the contact centre
    When João writes "Olá, preciso de ajuda com meu pedido"
    And João writes "Alguém aí?"
    Then the contact centre sends João exactly 1 message containing "available"

  @HOP-TAC-002 @HOP-DELIVERY-ACK @secondary @cap-conversation @adapter-reported
  Scenario: Stickers and images from the client reach the agent
    Given a user "João" who writes in Portuguese
    And João has been handed over to the contact centre
    When João sends a sticker
    And João sends a photo
    Then the contact centre acknowledges every webhook
    And the contact centre shows 2 attachments from João in João's conversation

  @HOP-TAC-003 @HOP-CLOSE-MESSAGE @secondary @cap-close
  Scenario: Concluding a conversation sends the closing message with date and time
    Given a user "João" who writes in Portuguese
    And João has been handed over to the contact centre
    When the agent closes João's conversation without passing it back to the bot
    Then the contact centre sends João a message containing "Conversa concluída pelo atendente em"

  @HOP-TAC-004 @HOP-ROUTE-MESSAGING @secondary @cap-reply
  Scenario: The agent answers a Portuguese-speaking client through /me/messages
    Given a user "João" who writes in Portuguese
    And João has been handed over to the contact centre
    When João writes "Qual é o prazo de entrega?"
    And the agent replies "O prazo é de 2 a 3 dias úteis." to João
    Then the contact centre receives João's message on the messaging channel
    And the contact centre sends João "O prazo é de 2 a 3 dias úteis."

  @HOP-TAC-005 @HOP-VERIFY-CHALLENGE @secondary
  Scenario: The webhook is verified with its fixed token before any message is delivered
    When the platform verifies the webhook of the system under test
    Then the handshake succeeds
