"""bidding"""
