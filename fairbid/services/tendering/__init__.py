"""tendering"""
