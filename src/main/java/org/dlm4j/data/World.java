package org.dlm4j.data;

import java.util.Arrays;
import java.util.List;

/**
 * The state of one story's little world, which the story's sentences change and later sentences depend on:
 * where each character is, who holds each object (or where it lies), and how many of the story's fruit each
 * character has. A {@link Story} keeps a copy after every sentence; {@link Claim}s are checked against it.
 *
 * <p>Characters, places and objects are referred to by index into the lists fixed when the story begins.
 */
public final class World {
    /** Value of {@link #holder(int)} for an object nobody holds. */
    public static final int NOBODY = -1;

    private final List<String> names;
    private final boolean[] female;
    private final List<String> places;
    private final List<String> objects;
    private final String fruit;
    private final int[] characterPlace;
    private final int[] objectHolder;
    private final int[] objectPlace; // where an unheld object lies; meaningless while held
    private final int[] fruitCount;
    private int lastSubject = NOBODY; // who the last sentence was about, for pronouns

    World(List<String> names, boolean[] female, List<String> places, List<String> objects, String fruit) {
        this.names = List.copyOf(names);
        this.female = female.clone();
        this.places = List.copyOf(places);
        this.objects = List.copyOf(objects);
        this.fruit = fruit;
        this.characterPlace = new int[names.size()];
        this.objectHolder = new int[objects.size()];
        Arrays.fill(objectHolder, NOBODY);
        this.objectPlace = new int[objects.size()];
        this.fruitCount = new int[names.size()];
    }

    private World(World other) {
        this.names = other.names;
        this.female = other.female;
        this.places = other.places;
        this.objects = other.objects;
        this.fruit = other.fruit;
        this.characterPlace = other.characterPlace.clone();
        this.objectHolder = other.objectHolder.clone();
        this.objectPlace = other.objectPlace.clone();
        this.fruitCount = other.fruitCount.clone();
        this.lastSubject = other.lastSubject;
    }

    World copy() {
        return new World(this);
    }

    public int numCharacters() {
        return names.size();
    }

    public int numPlaces() {
        return places.size();
    }

    public int numObjects() {
        return objects.size();
    }

    public String name(int character) {
        return names.get(character);
    }

    public boolean isFemale(int character) {
        return female[character];
    }

    public String place(int place) {
        return places.get(place);
    }

    public String object(int object) {
        return objects.get(object);
    }

    /** The story's countable thing, singular ("apple"). */
    public String fruit() {
        return fruit;
    }

    public int placeOf(int character) {
        return characterPlace[character];
    }

    /** The character holding {@code object}, or {@link #NOBODY}. */
    public int holder(int object) {
        return objectHolder[object];
    }

    /** Where {@code object} is: its holder's place while held, else where it was left. */
    public int placeOfObject(int object) {
        int holder = objectHolder[object];
        return holder == NOBODY ? objectPlace[object] : characterPlace[holder];
    }

    public int fruitCount(int character) {
        return fruitCount[character];
    }

    int lastSubject() {
        return lastSubject;
    }

    void setLastSubject(int character) {
        lastSubject = character;
    }

    void moveCharacter(int character, int place) {
        characterPlace[character] = place;
    }

    void giveObject(int object, int character) {
        objectHolder[object] = character;
    }

    void leaveObject(int object, int place) {
        objectHolder[object] = NOBODY;
        objectPlace[object] = place;
    }

    void setFruitCount(int character, int count) {
        fruitCount[character] = count;
    }
}
