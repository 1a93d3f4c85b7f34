"""Printing: pocket cards, workshop decks and share images."""
