package dev.offboarding.worker;

public final class Main {
  public static void main(String[] args) {}
}
